import { useCallback, useRef, useState } from 'react'
import { api, type EncodeOptions, type EncodeResponse } from '../../api'

/** POST /encode for the latent view; a newer call aborts the older one. */
export function useLatent() {
  const [encoded, setEncoded] = useState<EncodeResponse | null>(null)
  const inflight = useRef<AbortController | null>(null)

  const encode = useCallback((image: Blob, options: EncodeOptions) => {
    inflight.current?.abort()
    const controller = new AbortController()
    inflight.current = controller
    api
      .encode(image, options, controller.signal)
      .then((answer) => {
        if (!controller.signal.aborted) setEncoded(answer)
      })
      .catch(() => {
        // the latent view is secondary: the denoise call reports errors
      })
  }, [])

  const reset = useCallback(() => {
    inflight.current?.abort()
    setEncoded(null)
  }, [])

  return { encoded, encode, reset }
}
