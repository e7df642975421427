import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { Example } from '../api'
import type { PadController } from '../features/input'
import { writeUrlState, type UrlState } from '../lib/url'

interface ShareableUrlOptions {
  /** the state the page was opened with (the URL's query string) */
  initial: UrlState
  model: string
  noise: string
  level: number
  seed: number
  /** the uncertainty map is asked for */
  uncertainty: boolean
  pad: PadController
  /** the model's gallery, once loaded */
  examples: Example[] | null
}

/**
 * Shareable state in the URL (model, noise, level, seed, the example on the pad, and the uncertainty
 * map when it is asked for); the example of a
 * shared link is loaded once, when the gallery arrives and the pad is still empty.
 * `pickExample` loads a gallery example and remembers the model it belongs to.
 */
export function useShareableUrl({ initial, model, noise, level, seed, uncertainty, pad, examples }: ShareableUrlOptions) {
  const [exampleModel, setExampleModel] = useState<string | null>(initial.example !== undefined ? (initial.model ?? null) : null)
  const latest = useRef({ model, pad })
  useLayoutEffect(() => {
    latest.current = { model, pad }
  })

  const selectedExample = exampleModel === model ? pad.selectedExample : null
  useEffect(() => {
    writeUrlState({ model, noise, level, seed, example: selectedExample ?? undefined, uncertainty })
  }, [model, noise, level, seed, selectedExample, uncertainty])

  const wantedExample = useRef(initial.example)
  useEffect(() => {
    const index = wantedExample.current
    if (index === undefined || !examples || !latest.current.pad.empty) return
    wantedExample.current = undefined
    const example = examples[index]
    if (example) {
      setExampleModel(latest.current.model)
      latest.current.pad.loadExample(example, index)
    }
  }, [examples])

  const pickExample = (index: number) => {
    const example = examples?.[index]
    if (!example) return
    setExampleModel(model)
    pad.loadExample(example, index)
  }

  return { selectedExample, pickExample }
}
