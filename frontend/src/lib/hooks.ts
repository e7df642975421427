import { useCallback, useEffect, useRef, useState } from 'react'
import { api, type ReadyStatus } from '../api'

/** `value`, but only once it has stopped changing for `delay` ms. */
export function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay)
    return () => clearTimeout(timer)
  }, [value, delay])
  return debounced
}

/** Poll GET /readyz every `intervalMs`; `refresh()` polls at once (after a failed call). */
export function useApiStatus(intervalMs = 10_000) {
  const [status, setStatus] = useState<ReadyStatus | null>(null)
  const [tick, setTick] = useState(0)
  const refresh = useCallback(() => setTick((t) => t + 1), [])
  const mounted = useRef(true)

  useEffect(() => {
    mounted.current = true
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const next = await api.ready(controller.signal)
        if (!controller.signal.aborted) setStatus(next)
      } catch {
        return // aborted
      }
      if (!controller.signal.aborted) timer = setTimeout(poll, intervalMs)
    }
    void poll()
    return () => {
      mounted.current = false
      controller.abort()
      clearTimeout(timer)
    }
  }, [intervalMs, tick])

  return { status, refresh }
}

/** Load an image URL and wait until it is decoded, so swapping it in does not flicker. */
export async function preloadImage(src: string): Promise<void> {
  if (typeof Image === 'undefined') return
  const img = new Image()
  img.src = src
  if (typeof img.decode !== 'function') return
  try {
    await img.decode()
  } catch {
    // a broken image still gets shown (as broken); no reason to fail the whole result
  }
}
