import { useCallback, useRef, useState } from 'react'
import { ApiError, api, isAbortError, type DecodeResult, type ModelRef } from '../../api'
import type { UiError } from '../../components/ErrorAlert'
import type { Point } from './math'

/** What a failed call says on screen: the API's own message when it sent one. */
export function toUiError(e: unknown): UiError {
  if (e instanceof ApiError) return { code: e.code, message: e.message }
  return { code: 'error', message: e instanceof Error ? e.message : String(e) }
}

/** A clicked spot of the map and what the model draws there. */
export interface DecodedSpot {
  /** the latent model asked */
  model: string
  point: Point
  busy: boolean
  /** the last answer (kept while a newer spot is being decoded, so the view does not flicker) */
  result: DecodeResult | null
  /** the model and version that answered */
  answeredBy: ModelRef | null
  /** the spot `result` belongs to */
  resultPoint: Point | null
  error: UiError | null
}

/** POST /decode {model, point} for a clicked spot; a newer click aborts the older request. */
export function useDecode(model: string) {
  const [spot, setSpot] = useState<DecodedSpot | null>(null)
  const inflight = useRef<AbortController | null>(null)

  const decodePoint = useCallback(
    (point: Point) => {
      inflight.current?.abort()
      const controller = new AbortController()
      inflight.current = controller
      setSpot((previous) => {
        const keep = previous?.model === model ? previous : null
        return {
          model,
          point,
          busy: true,
          result: keep?.result ?? null,
          answeredBy: keep?.answeredBy ?? null,
          resultPoint: keep?.resultPoint ?? null,
          error: null,
        }
      })
      api
        .decode({ model, point }, controller.signal)
        .then((answer) => {
          if (controller.signal.aborted) return
          const result = answer.results?.[0] ?? { image: answer.image, latent: answer.latent }
          setSpot({ model, point, busy: false, result, answeredBy: answer.model, resultPoint: point, error: null })
        })
        .catch((e: unknown) => {
          if (isAbortError(e) || controller.signal.aborted) return
          setSpot((previous) => (previous && previous.point === point ? { ...previous, busy: false, error: toUiError(e) } : previous))
        })
    },
    [model],
  )

  const reset = useCallback(() => {
    inflight.current?.abort()
    setSpot(null)
  }, [])

  return { spot: spot?.model === model ? spot : null, decodePoint, reset }
}
