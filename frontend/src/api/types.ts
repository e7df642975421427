/**
 * JSON shapes of the denoiser HTTP API (docs/api-contract.md), named for the app.
 *
 * The shapes are not written here: the backend declares them once as pydantic models
 * (backend/denoiser/serving/schemas), `make contract` writes openapi.json from them and schema.d.ts from
 * that with openapi-typescript, and tests/api/test_contract.py fails when either file is stale. This file
 * only gives the generated schemas the names the app uses, and loosens the few keys the UI does without.
 */
import type { components } from './schema'

type Schemas = components['schemas']

/** `T` with the keys `K` optional: keys the server sends but older servers did not, which the UI does without. */
type Tolerant<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>

/** An answer's `results` (never empty, but typed as a plain array) with items of type `R`. */
type Listing<T extends { results: unknown }, R> = Omit<T, 'results'> & { results: R[] }

export type NoiseType = Schemas['Options']['noise']
export type Preprocess = NonNullable<Schemas['Options']['preprocess']>

export const NOISE_TYPES: readonly NoiseType[] = ['none', 'gaussian', 'salt_pepper', 'speckle']

export type ModelRef = Schemas['ModelRef']

/** metadata.json, the model card. Only the keys the UI reads are typed; the rest pass through. */
export type ModelMetadata = Schemas['Metadata']
export type ModelInfo = Schemas['ModelInfo']
export type ModelsResponse = Schemas['ModelsResponse']

export type Example = Schemas['Example']
export type ExamplesResponse = Schemas['ExamplesResponse']

/** Where the map's digits are drawn: one PNG, point i at column i % columns, row floor(i / columns). */
export type LatentSprite = Schemas['LatentSprite']

/**
 * GET /models/<name>/latent-map. Format 2 (issue 11) adds everything below `class_names`; a format 1
 * map (a PCA: `mean`, `components`, `explained_variance_ratio`) has only the points, and the UI works
 * with either.
 */
export type LatentMap = Schemas['LatentMap']

/** One of the map digits nearest to an encoded image. */
export type Neighbour = Schemas['Neighbour']

/** The neighbours' majority: "your digit sits among the 7s". */
export type Vote = Schemas['Vote']

/** How digit-like an image is to the dataset's VAE. */
export type Typicality = Schemas['Typicality']

export type ImageMetrics = Schemas['Scores']

/** PSNR/SSIM of the noisy and denoised images against the input: null when no noise was added server-side. */
export type DenoiseMetrics = Schemas['Metrics']

export type Timings = Schemas['Timings']

/** What the server's preprocessing did to an image. */
export type PreprocessReport = Schemas['PreprocessReport']

/** [x, y, width, height] in the sent image's own pixels. */
export type CropBox = Schemas['Crop']

/** What one image reads as, by its dataset's reference classifier: a class and how sure. */
export type Read = Schemas['Read']

/**
 * What the input, the noisy and the denoised image read as, and whether denoising changed the class
 * (`why` "class") or left it unsure (`why` "unsure", under 70%). Null for a model whose dataset has no
 * classifier (your own images).
 */
export type Reading = Schemas['Reading']

/** Where the model is unsure (option `uncertainty`): a per-pixel spread map, white = unsure. */
export type Uncertainty = Schemas['Uncertainty']

/** Keys of a result that older servers left out. */
type Newer = 'crop' | 'preprocess' | 'typicality'
type NewerDenoise = Newer | 'noise_estimate' | 'denoised_noise_estimate' | 'reading' | 'uncertainty'

export type DenoiseResult = Tolerant<Schemas['DenoiseResult'], NewerDenoise>

export type DenoiseResponse = Tolerant<Listing<Schemas['DenoiseResponse'], DenoiseResult>, NewerDenoise>

/** `neighbours` is null without a latent map; the UI reads that as absent. */
type Placed<T extends { neighbours: unknown }> = Omit<T, 'neighbours'> & { neighbours?: NonNullable<T['neighbours']> }

export type EncodeResult = Placed<Tolerant<Schemas['EncodeResult'], Newer | 'vote'>>

export type EncodeResponse = Placed<Tolerant<Listing<Schemas['EncodeResponse'], EncodeResult>, Newer | 'vote'>>

/** POST /decode: one code, a batch of codes (morph), one map point or several (max 64 items). */
type DecodeBody = Schemas['DecodeRequest']
export type DecodeRequest = { model: string } & (
  | { latent: NonNullable<DecodeBody['latent']> }
  | { latents: NonNullable<DecodeBody['latents']> }
  | { point: NonNullable<DecodeBody['point']> }
  | { points: NonNullable<DecodeBody['points']> }
)

export type DecodeResult = Schemas['DecodeResult']
export type DecodeResponse = Listing<Schemas['DecodeResponse'], DecodeResult>

/** What the client makes of GET /readyz (not a body the server sends). */
export interface ReadyStatus {
  ready: boolean
  /** HTTP status; 0 when the server could not be reached */
  status: number
  models: Schemas['Ready']['models']
}

/** The error body every 4xx/5xx answer carries (parsed leniently: the code may be one this client does not know). */
export interface ErrorBody {
  error: { code: string; message: string }
  request_id?: string
}

/** The options the app sends to /denoise (every one chosen; `uncertainty` costs about 8x the model's time). */
export type DenoiseOptions = Required<Schemas['Options']>

export type EncodeOptions = Pick<DenoiseOptions, 'model' | 'preprocess'>

/** `methods` of POST /compare: method ids, or a group (`all` adds the slow baselines such as BM3D). */
export type CompareMethods = 'all' | 'models' | 'baselines' | (string & {})

/** /compare's options: those of /denoise less `uncertainty` (a /denoise option only). */
export type CompareOptions = Omit<DenoiseOptions, 'uncertainty'> & {
  /** ids or groups, sent comma-separated; absent: every served model of the dataset and the fast baselines */
  methods?: CompareMethods | CompareMethods[]
}

/** One method's output on the shared noisy image. */
export type CompareResult = Tolerant<Schemas['CompareResult'], 'reading'>

export type CompareResponse = Tolerant<Listing<Schemas['CompareResponse'], CompareResult>, 'crop' | 'preprocess'>
