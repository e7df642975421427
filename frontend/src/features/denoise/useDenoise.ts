import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, NetworkError, api, isAbortError, type DenoiseOptions, type DenoiseResponse, type Preprocess } from '../../api'
import type { UiError } from '../../components/ErrorAlert'
import { preloadImage } from '../../lib/hooks'

/** The image a request sends (the pad's content) and what the app needs to know about it. */
export interface DenoiseInput {
  blob: Blob
  preprocess: Preprocess
}

export interface DenoiseRequest<I extends DenoiseInput = DenoiseInput> {
  /** what the answer is for: the input's version and the options; results with another key are out of date */
  key: string
  input: I
  options: Omit<DenoiseOptions, 'preprocess'>
  /** performance.now() at the end of the stroke that asked for it */
  strokeEnd?: number
}

export interface Shown<I extends DenoiseInput = DenoiseInput> {
  key: string
  answer: DenoiseResponse
  request: DenoiseRequest<I>
}

/** Where an error belongs: the input (the server refused the image) or the results. */
export type ErrorScope = 'input' | 'results'

export interface DenoiseError extends UiError {
  scope: ErrorScope
  /** the API could not be reached or was not ready: retried when it comes back */
  unavailable: boolean
}

const INPUT_CODES = new Set([
  'blank_image',
  'invalid_image',
  'missing_image',
  'unsupported_media_type',
  'payload_too_large',
  'image_too_large',
  'too_many_images',
])

export function toDenoiseError(error: unknown): DenoiseError {
  if (error instanceof ApiError) {
    const unavailable = error instanceof NetworkError || error.status === 503
    return { code: error.code, message: error.message, scope: INPUT_CODES.has(error.code) ? 'input' : 'results', unavailable }
  }
  return { code: 'client_error', message: error instanceof Error ? error.message : String(error), scope: 'results', unavailable: false }
}

interface UseDenoiseOptions<I extends DenoiseInput> {
  /** after each answer (the latent view follows the images, so the two calls do not compete) */
  onSuccess?: (request: DenoiseRequest<I>, answer: DenoiseResponse) => void
  /** after a failure that means the API is down or starting (the app polls /readyz at once) */
  onUnavailable?: () => void
}

/**
 * POST /denoise for the latest request only: a newer request aborts the older one, stale answers are
 * ignored, the previous images stay until the next ones are decoded (no flicker), and a failure is
 * kept as an error beside the last good result (which the app then shows as out of date).
 * Marks `stroke-to-image` (performance.measure) from the stroke's end to the frame after the result.
 */
export function useDenoise<I extends DenoiseInput = DenoiseInput>({ onSuccess, onUnavailable }: UseDenoiseOptions<I> = {}) {
  const [shown, setShown] = useState<Shown<I> | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<DenoiseError | null>(null)
  const seq = useRef(0)
  const inflight = useRef<AbortController | null>(null)
  const pendingMeasure = useRef<{ seq: number; start: number } | null>(null)
  const shownSeq = useRef(0)
  const callbacks = useRef({ onSuccess, onUnavailable })
  useEffect(() => {
    callbacks.current = { onSuccess, onUnavailable }
  })

  const run = useCallback(async (request: DenoiseRequest<I>) => {
    const id = ++seq.current
    inflight.current?.abort()
    const controller = new AbortController()
    inflight.current = controller
    setBusy(true)
    for (const name of ['denoise:response', 'denoise:decoded']) performance.clearMarks(name)
    try {
      const answer = await api.denoise(
        request.input.blob,
        { ...request.options, preprocess: request.input.preprocess },
        controller.signal,
      )
      performance.mark('denoise:response')
      if (id !== seq.current) return
      callbacks.current.onSuccess?.(request, answer)
      const map = answer.uncertainty?.map
      await Promise.all([answer.input, answer.noisy, answer.denoised, ...(map ? [map] : [])].map(preloadImage))
      performance.mark('denoise:decoded')
      if (id !== seq.current) return // a newer request superseded this one
      pendingMeasure.current = request.strokeEnd === undefined ? null : { seq: id, start: request.strokeEnd }
      shownSeq.current = id
      setShown({ key: request.key, answer, request })
      setError(null)
    } catch (e) {
      if (isAbortError(e) || id !== seq.current) return
      const failure = toDenoiseError(e)
      setError(failure)
      if (failure.unavailable) callbacks.current.onUnavailable?.()
    } finally {
      if (id === seq.current) setBusy(false)
    }
  }, [])

  // Stroke end -> performance measure once the denoised image is on screen.
  useEffect(() => {
    const pending = pendingMeasure.current
    if (!pending || pending.seq !== shownSeq.current) return
    pendingMeasure.current = null
    const frame = requestAnimationFrame(() => {
      performance.measure('stroke-to-image', { start: pending.start, end: performance.now() })
    })
    return () => cancelAnimationFrame(frame)
  }, [shown])

  /** Forget everything (the pad was cleared). */
  const reset = useCallback(() => {
    seq.current += 1
    inflight.current?.abort()
    setBusy(false)
    setShown(null)
    setError(null)
  }, [])

  const clearError = useCallback(() => setError(null), [])

  return { shown, busy, error, run, reset, clearError }
}
