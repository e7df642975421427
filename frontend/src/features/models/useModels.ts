import { useEffect, useRef, useState } from 'react'
import { api, isAbortError, type ModelInfo } from '../../api'

/**
 * GET /models once on load (again only if that failed and the API has become ready), and the chosen
 * model: `initial` (from the URL) when the server has it, else the server's default.
 */
export function useModels(initial: string | undefined, ready: boolean) {
  const [models, setModels] = useState<ModelInfo[] | null>(null)
  const [model, setModel] = useState(initial ?? 'mnist')
  const loading = useRef(false)

  useEffect(() => {
    if (models || loading.current) return
    loading.current = true
    const controller = new AbortController()
    api
      .models(controller.signal)
      .then((answer) => {
        setModels(answer.models)
        setModel((current) => (answer.models.some((m) => m.name === current) ? current : answer.default))
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setModels(null)
      })
      .finally(() => {
        loading.current = false
      })
    return () => {
      controller.abort()
      loading.current = false
    }
  }, [models, ready])

  const info = models?.find((m) => m.name === model) ?? null
  return { models, model, setModel, info }
}
