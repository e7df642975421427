/** JSON shapes of the denoiser HTTP API (docs/api-contract.md). */

export type NoiseType = 'none' | 'gaussian' | 'salt_pepper' | 'speckle'
export type Preprocess = 'mnist' | 'resize'

export const NOISE_TYPES: readonly NoiseType[] = ['none', 'gaussian', 'salt_pepper', 'speckle']

export interface ModelRef {
  name: string
  version: number
}

/** metadata.json, the model card. Only the keys the UI reads are typed; the rest pass through. */
export interface ModelMetadata {
  name?: string
  version?: number
  dataset?: string
  arch?: string
  latent_dim?: number
  params?: number
  class_names?: string[]
  has_decode?: boolean
  [key: string]: unknown
}

export interface ModelInfo {
  name: string
  version: number
  versions: number[]
  metadata: ModelMetadata
}

export interface ModelsResponse {
  default: string
  models: ModelInfo[]
}

export interface Example {
  label: number
  class_name: string
  /** 28x28 white-on-black PNG data URL */
  image: string
}

export interface ExamplesResponse {
  examples: Example[]
}

export interface LatentMap {
  mean: number[]
  components: number[][]
  explained_variance_ratio: number[]
  /** [x, y, label] */
  points: [number, number, number][]
  class_names: string[]
}

export interface ImageMetrics {
  psnr: number
  ssim: number
  mse: number
}

export interface DenoiseMetrics {
  noisy: ImageMetrics
  denoised: ImageMetrics
}

export type Timings = Record<string, number> & { total: number }

/** What the server's preprocessing did to an image (absent from older servers). */
export interface PreprocessReport {
  mode: string
  inverted?: boolean
  background_removed?: boolean
  stroke_px_before?: number
  stroke_px_after?: number
  components_kept?: number
  components_dropped?: number
  lines_removed?: number
  [key: string]: unknown
}

/** [x, y, width, height] in the sent image's own pixels. */
export type CropBox = [number, number, number, number]

export interface DenoiseResult {
  input: string
  noisy: string
  denoised: string
  metrics: DenoiseMetrics | null
  /** the box preprocessing cut the image from (null or absent when unknown) */
  crop?: CropBox | null
  preprocess?: PreprocessReport
}

export interface DenoiseResponse extends DenoiseResult {
  model: ModelRef
  noise: { type: NoiseType; level: number; seed: number }
  results: DenoiseResult[]
  timings_ms: Timings
  request_id: string
}

export interface EncodeResult {
  crop?: CropBox | null
  preprocess?: PreprocessReport
  latent: number[]
  /** null when the model has no latent map */
  projection: [number, number] | null
}

export interface EncodeResponse extends EncodeResult {
  model: ModelRef
  latent_dim: number
  results: EncodeResult[]
  timings_ms: Timings
  request_id: string
}

export interface ReadyStatus {
  ready: boolean
  /** HTTP status; 0 when the server could not be reached */
  status: number
  models: string[]
}

/** The error body every 4xx/5xx answer carries. */
export interface ErrorBody {
  error: { code: string; message: string }
  request_id?: string
}

export interface DenoiseOptions {
  model: string
  noise: NoiseType
  level: number
  seed: number
  preprocess: Preprocess
}

export type EncodeOptions = Pick<DenoiseOptions, 'model' | 'preprocess'>
