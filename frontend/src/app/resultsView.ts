import type { Typicality } from '../api'
import { describePreprocess, type DenoiseError } from '../features/denoise'
import type { PadBox } from '../features/input'
import type { LatentExplorer } from '../features/latent'
import type { DenoiseController } from './useDenoiseRequests'

interface ResultsViewOptions {
  denoise: DenoiseController
  latent: LatentExplorer
  /** the request the inputs and options ask for now */
  key: string
  live: boolean
  /** the pad's version now */
  version: number
}

export interface ResultsView {
  /** why the results shown are not those of the pad and options now, if they are not */
  staleReason: string | null
  /** the part of the pad the model was given, in pad pixels (only while the results are current) */
  highlight: PadBox | null
  /** what the preprocessing did, in words */
  modelSaw: string | null
  /** how typical the input is of the dataset (from the results, else from the latent view) */
  typicality: Typicality | null | undefined
  /** nothing was added and the image the model received carries visible noise of its own */
  receivedNoisy: boolean
  /** an error about the input (shown beside the pad) */
  inputError: DenoiseError | null
  /** any other error of the last request (shown with the results) */
  resultsError: DenoiseError | null
}

/** What the results mean now: whether they are out of date, what to point out on the pad, which error goes where. */
export function describeResults({ denoise, latent, key, live, version }: ResultsViewOptions): ResultsView {
  const shown = denoise.shown
  let staleReason: string | null = null
  if (shown) {
    if (denoise.error) staleReason = 'Out of date: the last request failed'
    else if (shown.key !== key) staleReason = denoise.busy ? 'Updating…' : live ? 'Out of date' : 'Out of date: press Denoise'
  }
  const first = shown?.answer.results?.[0] ?? shown?.answer
  const crop = first?.crop
  let highlight: PadBox | null = null
  // (a resize-mode crop is the whole image: nothing to point out)
  if (shown && crop && first?.preprocess?.mode !== 'resize' && shown.request.input.version === version && !staleReason) {
    const { x, y, scale } = shown.request.input.placement
    highlight = { x: x + crop[0] * scale, y: y + crop[1] * scale, width: crop[2] * scale, height: crop[3] * scale }
  }
  return {
    staleReason,
    highlight,
    modelSaw: describePreprocess(first?.preprocess),
    typicality: shown?.answer.typicality ?? (latent.encoded && !latent.encodedStale ? latent.encoded.typicality : null),
    receivedNoisy: shown?.answer.noise.type === 'none' && (first?.noise_estimate ?? 0) >= 0.1,
    inputError: denoise.error?.scope === 'input' ? denoise.error : null,
    resultsError: denoise.error && denoise.error.scope !== 'input' ? denoise.error : null,
  }
}
