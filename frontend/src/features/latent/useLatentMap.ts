import { useEffect, useState } from 'react'
import { ApiError, api, isAbortError, type LatentMap } from '../../api'

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e))

/** The latent map of `name` (GET /models/<name>/latent-map), fetched once per model and kept. */
export function useLatentMap(name: string, enabled = true) {
  const [maps, setMaps] = useState<Record<string, LatentMap>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const have = name in maps || name in errors

  useEffect(() => {
    if (!enabled || have) return
    const controller = new AbortController()
    api
      .latentMap(name, controller.signal)
      .then((answer) => setMaps((all) => ({ ...all, [name]: answer })))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setErrors((all) => ({ ...all, [name]: message(e) }))
      })
    return () => controller.abort()
  }, [name, enabled, have])

  const map = maps[name] ?? null
  const error = map ? null : (errors[name] ?? null)
  return { map, error, loading: enabled && !map && !error }
}
