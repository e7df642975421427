import { useEffect, useState } from 'react'
import { ApiError, api, isAbortError, type Example, type LatentMap } from '../../api'

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e))

/** The chosen model's examples and latent map (small JSON files, fetched once per model). */
export function useModelAssets(model: string, enabled: boolean) {
  const [examples, setExamples] = useState<Record<string, Example[]>>({})
  const [examplesErrors, setExamplesErrors] = useState<Record<string, string>>({})
  const [latentMaps, setLatentMaps] = useState<Record<string, LatentMap>>({})
  const [latentMapErrors, setLatentMapErrors] = useState<Record<string, string>>({})
  const haveExamples = model in examples
  const haveMap = model in latentMaps

  useEffect(() => {
    if (!enabled) return
    const controller = new AbortController()
    const failed = (record: typeof setExamplesErrors) => (e: unknown) => {
      if (!isAbortError(e)) record((all) => ({ ...all, [model]: message(e) }))
    }
    if (!haveExamples) {
      api
        .examples(model, controller.signal)
        .then((answer) => setExamples((all) => ({ ...all, [model]: answer.examples })))
        .catch(failed(setExamplesErrors))
    }
    if (!haveMap) {
      api
        .latentMap(model, controller.signal)
        .then((answer) => setLatentMaps((all) => ({ ...all, [model]: answer })))
        .catch(failed(setLatentMapErrors))
    }
    return () => controller.abort()
  }, [model, enabled, haveExamples, haveMap])

  return {
    examples: examples[model] ?? null,
    examplesError: examples[model] ? null : (examplesErrors[model] ?? null),
    examplesLoading: enabled && !examples[model] && !examplesErrors[model],
    latentMap: latentMaps[model] ?? null,
    latentMapError: latentMaps[model] ? null : (latentMapErrors[model] ?? null),
  }
}
