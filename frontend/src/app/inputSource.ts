import type { NoiseMode } from '../features/denoise'
import type { InputSource } from '../features/input'

/** An image someone brings (an upload, a noisy example) is denoised as it is; a drawing gets noise added. */
export const modeFor = (source: InputSource | null): NoiseMode => (source === 'upload' || source === 'noisy-example' ? 'as-is' : 'add-noise')

/** How the latent view names what is on the pad. */
export function inputName(source: InputSource | null): string {
  if (source === 'example' || source === 'noisy-example') return 'The example'
  return source === 'upload' ? 'Your image' : 'Your drawing'
}
