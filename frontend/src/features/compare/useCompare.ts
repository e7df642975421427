import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, NetworkError, api, isAbortError, type CompareOptions, type CompareResponse, type Preprocess } from '../../api'
import type { UiError } from '../../components/ErrorAlert'
import { preloadImage } from '../../lib/hooks'

/** What to compare: the request behind the results the user sees (same image, options and seed). */
export interface CompareSource {
  /** the input's version and the options; a new key means a new comparison */
  key: string
  input: { blob: Blob; preprocess: Preprocess }
  options: Omit<CompareOptions, 'preprocess' | 'methods'>
}

export interface CompareShown {
  /** `source.key` and the methods asked for (see `wantedKey`) */
  wanted: string
  answer: CompareResponse
}

export interface CompareError extends UiError {
  /** the API could not be reached or was not ready: retried when it comes back */
  unavailable: boolean
}

interface Failure {
  wanted: string
  error: CompareError
  dismissed: boolean
}

interface UseCompareOptions {
  /** the request to compare; null while there is nothing to compare (an empty pad) */
  source: CompareSource | null
  /** after a failure that means the API is down or starting */
  onUnavailable?: () => void
  /** open from the start (tests; the app starts closed) */
  initiallyOpen?: boolean
}

export function toCompareError(error: unknown): CompareError {
  if (error instanceof ApiError) {
    return { code: error.code, message: error.message, unavailable: error instanceof NetworkError || error.status === 503 }
  }
  return { code: 'client_error', message: error instanceof Error ? error.message : String(error), unavailable: false }
}

/** The key of one comparison: the source and whether the slow baselines (BM3D) were asked for. */
export function wantedKey(source: CompareSource, slow: boolean): string {
  return `${source.key}|${slow ? 'all' : 'default'}`
}

/**
 * The Compare view's state: open or closed, with or without the slow baselines, and POST /compare for
 * the current source, only while the view is open (nothing is sent while it is closed). A new source
 * or option aborts the older request; the last comparison stays on screen (out of date) until the
 * next one has loaded, and a failure is kept beside it with the server's message.
 */
export function useCompare({ source, onUnavailable, initiallyOpen = false }: UseCompareOptions) {
  const [open, setOpen] = useState(initiallyOpen)
  const [slow, setSlow] = useState(false)
  const [shown, setShown] = useState<CompareShown | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)

  const latest = useRef({ source, slow, onUnavailable })
  useEffect(() => {
    latest.current = { source, slow, onUnavailable }
  })

  const wanted = open && source ? wantedKey(source, slow) : null
  // answered (or refused) already: nothing to fetch
  const settled = wanted !== null && (shown?.wanted === wanted || failure?.wanted === wanted)

  useEffect(() => {
    const now = latest.current
    if (wanted === null || settled || !now.source) return
    const { input, options } = now.source
    const controller = new AbortController()
    api
      .compare(input.blob, { ...options, preprocess: input.preprocess, ...(now.slow ? { methods: 'all' } : {}) }, controller.signal)
      .then(async (answer) => {
        // decode every image first, so the grid swaps in one go (no half-loaded cards)
        await Promise.all([answer.input, answer.noisy, ...answer.results.map((r) => r.denoised)].map(preloadImage))
        if (controller.signal.aborted) return
        setShown({ wanted, answer })
        setFailure(null)
      })
      .catch((e: unknown) => {
        if (isAbortError(e) || controller.signal.aborted) return
        const error = toCompareError(e)
        setFailure({ wanted, error, dismissed: false })
        if (error.unavailable) latest.current.onUnavailable?.()
      })
    return () => controller.abort()
  }, [wanted, settled])

  const busy = wanted !== null && !settled
  const visible = source ? shown : null
  const error = failure && !failure.dismissed ? failure.error : null

  let staleReason: string | null = null
  if (visible && open) {
    if (busy) staleReason = 'Updating…'
    else if (failure) staleReason = 'Out of date: the last request failed'
    else if (visible.wanted !== wanted) staleReason = 'Out of date'
  }

  const toggle = useCallback(() => setOpen((o) => !o), [])
  /** Hide the error (the comparison stays out of date until the source changes or Try again). */
  const clearError = useCallback(() => setFailure((f) => (f ? { ...f, dismissed: true } : f)), [])
  /** Ask again for the current source (after a failure). */
  const retry = useCallback(() => setFailure(null), [])

  return {
    open,
    setOpen,
    toggle,
    /** include the slow baselines (BM3D): sends `methods=all` */
    slow,
    setSlow,
    /** the last comparison that loaded (null with nothing to compare) */
    shown: visible,
    busy,
    error,
    /** a failure is pending (shown or dismissed): Try again re-sends */
    failed: failure !== null,
    unavailable: failure?.error.unavailable ?? false,
    staleReason,
    clearError,
    retry,
  }
}

export type CompareController = ReturnType<typeof useCompare>
