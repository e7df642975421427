import type { DenoiseMetrics, DenoiseResponse, DenoiseResult, EncodeResponse, ModelRef, Timings } from '../api'

/**
 * Answers of the API as the tests want them: the same shape every time, with only what a test is about
 * (its model, its metrics, its reading) written in the test.
 */

/** A PNG data URL standing for the image named `tag`: `expect(img).toHaveAttribute('src', png('den'))`. */
export const png = (tag: string) => `data:image/png;base64,${btoa(tag)}`

/** Scores of moderate gaussian noise (level 0.5) and a good denoising: the default metrics of `denoiseAnswer`. */
const moderateNoiseMetrics: DenoiseMetrics = {
  noisy: { psnr: 9.4, ssim: 0.36, mse: 0.11 },
  denoised: { psnr: 21.3, ssim: 0.89, mse: 0.007 },
}

export type DenoiseAnswerOptions = Partial<DenoiseResult> & {
  /** false: the image was denoised as sent (noise "none"): the noisy image is the input, no metrics. Default true. */
  noised?: boolean
  /** tells this answer's images apart: png('in-<tag>'), png('noisy-<tag>'), png('den-<tag>'); without it png('in') and so on */
  tag?: string
  /** default mnist v1 */
  model?: ModelRef
  /** of the noise added; default 0.5 (0 when not noised) */
  level?: number
  /** default 1 */
  seed?: number
  /** default { total: 3 } */
  timings_ms?: Timings
}

/**
 * A /denoise answer for one image: its result both in `results[0]` and at the top level, as the server
 * sends it. Any result key given (`metrics`, `reading`, `uncertainty`, `noise_estimate`, `crop`…) goes
 * into both; `reading` and `uncertainty` are null unless given.
 */
export function denoiseAnswer(options: DenoiseAnswerOptions = {}): DenoiseResponse {
  const { noised = true, tag, model = { name: 'mnist', version: 1 }, level = 0.5, seed = 1, timings_ms = { total: 3 }, ...given } = options
  const image = (name: string) => png(tag === undefined ? name : `${name}-${tag}`)
  const result: DenoiseResult = {
    input: image('in'),
    noisy: image(noised ? 'noisy' : 'in'),
    denoised: image('den'),
    metrics: noised ? moderateNoiseMetrics : null,
    reading: null,
    uncertainty: null,
    ...given,
  }
  return {
    model,
    noise: noised ? { type: 'gaussian', level, seed } : { type: 'none', level: 0, seed },
    results: [result],
    ...result,
    timings_ms,
    request_id: 'r',
  }
}

/**
 * An /encode answer from `model`: a 2-value code at the origin, not placed on a map (projection null),
 * unless `code` says otherwise; `latent_dim` follows the code's length.
 */
export function encodeAnswer(model: ModelRef, code: { latent?: number[]; projection?: [number, number] | null } = {}): EncodeResponse {
  const { latent = [0, 0], projection = null } = code
  return {
    model,
    latent_dim: latent.length,
    results: [{ latent, projection }],
    latent,
    projection,
    timings_ms: { total: 1 },
    request_id: 'e',
  }
}
