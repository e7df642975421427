import type { DenoiseResponse } from '../../api'
import { upscaleStrip } from '../../lib/image'

export type ImageKind = 'original' | 'noisy' | 'denoised'

/** Upscale factor of the downloads: 28x28 becomes 280x280 (nearest neighbour, crisp pixels). */
export const DOWNLOAD_FACTOR = 10

/** A file name that says what the image is: `mnist-v4_gaussian-0.50_seed-42_denoised_280px.png`. */
export function downloadName(answer: Pick<DenoiseResponse, 'model' | 'noise'>, kinds: ImageKind[]): string {
  const { model, noise } = answer
  const noisePart = noise.type === 'none' ? 'no-noise' : `${noise.type.replace('_', '-')}-${noise.level.toFixed(2)}_seed-${noise.seed}`
  // without added noise the "original" is the image as it was received (noisy or not)
  const names = kinds.map((kind) => (kind === 'original' && noise.type === 'none' ? 'received' : kind))
  const what = names.join('-')
  const size = `${28 * DOWNLOAD_FACTOR}px`
  return `${model.name}-v${model.version}_${noisePart}_${what}_${size}.png`
}

/** Save a data URL under a name (through a temporary <a download>). */
export function saveDataUrl(url: string, name: string) {
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
}

/** Build the enlarged PNG of one image (or the strip of all three) and save it. */
export async function downloadImages(answer: DenoiseResponse, kinds: ImageKind[]) {
  const sources = kinds.map((kind) => (kind === 'original' ? answer.input : answer[kind]))
  const url = await upscaleStrip(sources, DOWNLOAD_FACTOR)
  saveDataUrl(url, downloadName(answer, kinds))
}
