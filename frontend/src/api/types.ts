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

/** Where the map's digits are drawn: one PNG, point i at column i % columns, row floor(i / columns). */
export interface LatentSprite {
  url: string
  columns: number
  /** side of one cell in pixels (28) */
  cell: number
  count: number
}

/**
 * GET /models/<name>/latent-map. Format 2 (issue 11) adds everything below `class_names`; a format 1
 * map (a PCA: `mean`, `components`, `explained_variance_ratio`) has only the points, and the UI works
 * with either.
 */
export interface LatentMap {
  format?: number
  /** [x, y, label] */
  points: [number, number, number][]
  class_names: string[]
  /** words for a caption: how the 2-D map was made */
  method?: string
  latent_dim?: number
  /** test-set index of each point (same order as `points`) */
  test_index?: number[]
  /** the mean code of the map's digits: the heatmap's baseline */
  mean_latent?: number[]
  /** per-dimension standard deviation of the map's codes */
  std_latent?: number[]
  /** the model has a decoder: POST /decode works */
  decodable?: boolean
  sprite?: LatentSprite
  metrics?: Record<string, number>
  /** how many neighbours /encode reports */
  neighbours?: number
  /** format 1 only */
  mean?: number[]
  components?: number[][]
  explained_variance_ratio?: number[]
}

/** One of the map digits nearest to an encoded image. */
export interface Neighbour {
  /** index into the map's `points` */
  point: number
  /** test-set index */
  index: number
  label: number
  distance: number
}

/** The neighbours' majority: "your digit sits among the 7s". */
export interface Vote {
  label: number
  class_name: string
  /** share of the neighbours with that label, 0..1 */
  share: number
}

/** How digit-like an image is to the dataset's VAE. */
export interface Typicality {
  /** the VAE's reconstruction error, sum of squared pixel errors (lower = more typical) */
  score: number
  /** share of test images (in %) that score lower */
  percentile: number
  /** percentile <= 99 */
  typical: boolean
}

export interface ImageMetrics {
  psnr: number
  ssim: number
  mse: number
}

/** PSNR/SSIM of the noisy and denoised images against the input: null when no noise was added server-side. */
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
  /**
   * mode `mnist` (absent from older servers and other modes): `noisy` when the upload carried noise, so
   * the digit was located on a smoothed copy and the model got the upload's own pixels
   */
  path?: 'clean' | 'noisy'
  /** the blind noise estimate (σ, [0, 1] scale) at the upload's own scale */
  upload_noise_estimate?: number
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
  /** how typical the input is for the dataset; null when no VAE is served for it (absent from older servers) */
  typicality?: Typicality | null
  /**
   * a blind estimate of the noise level (σ of the noise, on the [0, 1] pixel scale) of the 28x28 image
   * the model received (`noisy`); absent from older servers
   */
  noise_estimate?: number | null
  /** the same estimate on the denoised image */
  denoised_noise_estimate?: number | null
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
  /** the nearest map digits (absent from older servers) */
  neighbours?: Neighbour[]
  vote?: Vote
  typicality?: Typicality | null
}

export interface EncodeResponse extends EncodeResult {
  model: ModelRef
  latent_dim: number
  results: EncodeResult[]
  timings_ms: Timings
  request_id: string
}

/** POST /decode: one code, a batch of codes (morph), one map point or several (max 64 items). */
export type DecodeRequest = { model: string } & (
  | { latent: number[] }
  | { latents: number[][] }
  | { point: [number, number] }
  | { points: [number, number][] }
)

export interface DecodeResult {
  /** 28x28 PNG data URL */
  image: string
  /** the code that was decoded (for a point: the mix of its nearest map digits' codes) */
  latent: number[]
}

export interface DecodeResponse extends DecodeResult {
  model: ModelRef
  results: DecodeResult[]
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

/** `methods` of POST /compare: method ids, or a group (`all` adds the slow baselines such as BM3D). */
export type CompareMethods = 'all' | 'models' | 'baselines' | (string & {})

export interface CompareOptions extends DenoiseOptions {
  /** ids or groups, sent comma-separated; absent: every served model of the dataset and the fast baselines */
  methods?: CompareMethods | CompareMethods[]
}

/** One method's output on the shared noisy image. */
export interface CompareResult {
  /** the method's id, as `methods` takes it (a model's name, `median`, `pca`, ...) */
  id: string
  /** display name, e.g. "unet (mnist/5)" or "median (3x3)" */
  method: string
  kind: 'model' | 'baseline'
  /** the served model (null for a baseline) */
  model: ModelRef | null
  arch: string | null
  /** a baseline's parameters, tuned on the validation split for the nearest level */
  params: Record<string, unknown> | null
  /** 28x28 PNG data URL */
  denoised: string
  /** against the clean input */
  metrics: ImageMetrics
  /** time this method took, in milliseconds */
  ms: number
  /** the requested (or the server's default) model */
  default: boolean
}

export interface CompareResponse {
  model: ModelRef
  dataset: string
  /** the clean 28x28 input and the noisy draw every method was given (PNG data URLs) */
  input: string
  noisy: string
  /** `metrics`: the noisy image against the input; null when no noise was added */
  noise: { type: NoiseType; level: number; seed: number; metrics: ImageMetrics | null }
  crop?: CropBox | null
  preprocess?: PreprocessReport
  /** best PSNR first when noise was added */
  results: CompareResult[]
  timings_ms: Timings
  request_id: string
}
