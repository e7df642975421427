import { useEffect, useState } from 'react'
import { ApiError, api, isAbortError, type LatentMap } from '../../api'

/** A map the app already loads (the denoiser's, from the models feature), so it is not fetched twice. */
export interface ProvidedMap {
  name: string
  map: LatentMap | null
  error: string | null
}

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e))

/**
 * The latent map of `name` (GET /models/<name>/latent-map, once per model). When `provided` is the
 * same model, its map (or error, or loading state) is used instead of a second request.
 */
export function useLatentMap(name: string, provided: ProvidedMap | null, enabled = true) {
  const [maps, setMaps] = useState<Record<string, LatentMap>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const useProvided = provided?.name === name
  const have = name in maps || name in errors

  useEffect(() => {
    if (!enabled || useProvided || have) return
    const controller = new AbortController()
    api
      .latentMap(name, controller.signal)
      .then((answer) => setMaps((all) => ({ ...all, [name]: answer })))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setErrors((all) => ({ ...all, [name]: message(e) }))
      })
    return () => controller.abort()
  }, [name, enabled, useProvided, have])

  if (useProvided) return { map: provided.map, error: provided.map ? null : provided.error, loading: !provided.map && !provided.error }
  const map = maps[name] ?? null
  const error = map ? null : (errors[name] ?? null)
  return { map, error, loading: enabled && !map && !error }
}
