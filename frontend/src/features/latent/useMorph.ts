import { useCallback, useRef, useState } from 'react'
import { api, isAbortError, type ModelRef } from '../../api'
import type { UiError } from '../../components/ErrorAlert'
import { interpolateCodes, type Point } from './math'
import { toUiError } from './useDecode'

/** How many codes a morph decodes, both ends included. */
export const MORPH_STEPS = 8

/** Where a morph goes: a decoded map spot or a gallery example (for its label). */
export type MorphEnd = { kind: 'point'; point: Point } | { kind: 'example'; index: number; className: string }

export interface MorphState {
  /** what was asked (model, start and end): a new key runs a new morph */
  key: string
  model: string
  to: MorphEnd
  busy: boolean
  /** MORPH_STEPS decoded images, first = the start code */
  images: string[] | null
  answeredBy: ModelRef | null
  error: UiError | null
}

/**
 * A morph between two codes: MORPH_STEPS codes interpolated in the browser, decoded in one
 * POST /decode {model, latents}. A newer run aborts the older one.
 */
export function useMorph(model: string) {
  const [state, setState] = useState<MorphState | null>(null)
  const inflight = useRef<AbortController | null>(null)

  const run = useCallback(
    (key: string, from: readonly number[], to: readonly number[], end: MorphEnd) => {
      inflight.current?.abort()
      const controller = new AbortController()
      inflight.current = controller
      let latents: number[][]
      try {
        latents = interpolateCodes(from, to, MORPH_STEPS)
      } catch (e) {
        setState({ key, model, to: end, busy: false, images: null, answeredBy: null, error: toUiError(e) })
        return
      }
      setState((previous) => ({
        key,
        model,
        to: end,
        busy: true,
        images: previous?.model === model ? previous.images : null,
        answeredBy: previous?.answeredBy ?? null,
        error: null,
      }))
      api
        .decode({ model, latents }, controller.signal)
        .then((answer) => {
          if (controller.signal.aborted) return
          setState({ key, model, to: end, busy: false, images: answer.results.map((r) => r.image), answeredBy: answer.model, error: null })
        })
        .catch((e: unknown) => {
          if (isAbortError(e) || controller.signal.aborted) return
          setState((previous) => ({ key, model, to: end, busy: false, images: previous?.images ?? null, answeredBy: null, error: toUiError(e) }))
        })
    },
    [model],
  )

  const reset = useCallback(() => {
    inflight.current?.abort()
    setState(null)
  }, [])

  return { morph: state?.model === model ? state : null, run, reset }
}
