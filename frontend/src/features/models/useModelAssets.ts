import { useEffect, useState } from 'react'
import { ApiError, api, isAbortError, type Example } from '../../api'

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e))

/**
 * The chosen model's gallery (GET /models/<name>/examples, fetched once per model). The latent map
 * belongs to the latent feature, which may use another model than the denoiser.
 */
export function useModelAssets(model: string, enabled: boolean) {
  const [examples, setExamples] = useState<Record<string, Example[]>>({})
  const [examplesErrors, setExamplesErrors] = useState<Record<string, string>>({})
  const haveExamples = model in examples || model in examplesErrors

  useEffect(() => {
    if (!enabled || haveExamples) return
    const controller = new AbortController()
    api
      .examples(model, controller.signal)
      .then((answer) => setExamples((all) => ({ ...all, [model]: answer.examples })))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setExamplesErrors((all) => ({ ...all, [model]: message(e) }))
      })
    return () => controller.abort()
  }, [model, enabled, haveExamples])

  return {
    examples: examples[model] ?? null,
    examplesError: examples[model] ? null : (examplesErrors[model] ?? null),
    examplesLoading: enabled && !examples[model] && !examplesErrors[model],
  }
}
