import { useCallback, useEffect, useState } from 'react'
import { api, type ReadyStatus } from '../../api'

/**
 * Poll GET /readyz: every `intervalMs` while the API is ready, every `downIntervalMs` while it is
 * not (so a restarted server is noticed within seconds); `refresh()` polls at once.
 */
export function useApiStatus(intervalMs = 10_000, downIntervalMs = 2_000) {
  const [status, setStatus] = useState<ReadyStatus | null>(null)
  const [tick, setTick] = useState(0)
  const refresh = useCallback(() => setTick((t) => t + 1), [])

  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      let next: ReadyStatus
      try {
        next = await api.ready(controller.signal)
      } catch {
        return // aborted
      }
      if (controller.signal.aborted) return
      setStatus((previous) =>
        previous && previous.ready === next.ready && previous.status === next.status && previous.models.join() === next.models.join()
          ? previous
          : next,
      )
      timer = setTimeout(poll, next.ready ? intervalMs : downIntervalMs)
    }
    void poll()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [intervalMs, downIntervalMs, tick])

  return { status, ready: status?.ready ?? false, refresh }
}
