import type { Example } from '../api'
import type { CompareController } from '../features/compare'
import type { NoiseSettings } from '../features/denoise'
import type { PadController } from '../features/input'
import type { LatentExplorer } from '../features/latent'
import type { ModelCopy } from '../features/models'
import type { UrlState } from '../lib/url'
import { describeResults } from './resultsView'
import { useDenoiseRequests, type DenoiseController } from './useDenoiseRequests'
import { useShareableUrl } from './useShareableUrl'

interface AppCoordinationOptions {
  /** the state the page was opened with (the URL's query string) */
  initial: UrlState
  /** the API answers /readyz */
  ready: boolean
  model: string
  copy: ModelCopy
  examples: Example[] | null
  pad: PadController
  noiseSettings: NoiseSettings
  denoise: DenoiseController
  latent: LatentExplorer
  compare: CompareController
}

/**
 * What ties the features together, each of which owns its own state: requests follow the pad and the
 * options (useDenoiseRequests), the URL follows the view and a shared link's example is loaded
 * (useShareableUrl), and what the results mean now (describeResults).
 */
export function useAppCoordination({ initial, ready, model, copy, examples, pad, noiseSettings, denoise, latent, compare }: AppCoordinationOptions) {
  const requests = useDenoiseRequests({ initialSeed: initial.seed, ready, model, copy, pad, noiseSettings, denoise, latent, compare })
  const { noise, level, uncertainty } = noiseSettings
  const url = useShareableUrl({ initial, model, noise, level, seed: requests.seed, uncertainty, pad, examples })
  const view = describeResults({ denoise, latent, key: requests.key, live: requests.live, version: pad.padState.version })
  return { ...requests, ...url, ...view }
}
