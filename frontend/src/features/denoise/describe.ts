import type { PreprocessReport } from '../../api'

const positive = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** Upper bounds (exclusive) of σ for each word; anything above the last is heavy noise. */
const NOISE_WORDS: [number, string][] = [
  [0.03, 'no visible noise'],
  [0.1, 'light noise'],
  [0.25, 'moderate noise'],
]

/**
 * A blind noise estimate in words, with the number: "heavy noise, about σ 0.45". σ is the noise's
 * standard deviation on the [0, 1] pixel scale (the server's `noise_estimate`).
 */
export function describeNoiseLevel(sigma: number): string {
  const words = NOISE_WORDS.find(([below]) => sigma < below)?.[1] ?? 'heavy noise'
  return `${words}, about σ ${Math.max(0, sigma).toFixed(2)}`
}

/**
 * The noise before and after, as one line: "Received: heavy noise, about σ 0.45 → denoised: no
 * visible noise, about σ 0.01". Null when the server sent no estimate (an older server).
 */
export function describeNoiseChange(received: number | null | undefined, denoised: number | null | undefined): string | null {
  if (!finite(received)) return null
  const before = `Received: ${describeNoiseLevel(received)}`
  return finite(denoised) ? `${before} → denoised: ${describeNoiseLevel(denoised)}` : before
}

/**
 * The noisy path's sentence ("Treated as noisy (…): the crop was found on a smoothed copy, …. "), or ''.
 * The estimate at the upload's own size is given as a number only: a big scan of a small noisy digit
 * can measure low there and still be noisy at 28x28.
 */
function noisyPath(report: PreprocessReport): string {
  if (report.path !== 'noisy') return ''
  const sigma = finite(report.upload_noise_estimate) ? ` (σ ${Math.max(0, report.upload_noise_estimate).toFixed(2)} at its own size)` : ''
  return `Treated as noisy${sigma}: the crop was found on a smoothed copy, and the model got your own noisy pixels. `
}

/**
 * One plain-language line from the server's preprocessing report, e.g. "Background evened out, ruled
 * lines removed, strokes thickened from 1.2 px to 2.5 px, then cropped and centred in 28×28."
 */
export function describePreprocess(report: PreprocessReport | null | undefined): string | null {
  if (!report) return null
  if (report.mode === 'resize') return 'Resized to 28×28 as it is (already in the dataset’s form).'
  const parts: string[] = []
  if (report.inverted) parts.push('colours inverted to white on black')
  if (report.background_removed) parts.push('background evened out')
  if (positive(report.lines_removed)) parts.push(report.lines_removed === 1 ? 'a ruled line removed' : 'ruled lines removed')
  if (positive(report.components_dropped)) {
    const n = report.components_dropped
    parts.push(`${n} stray speck${n === 1 ? '' : 's'} dropped`)
  }
  const before = report.stroke_px_before
  const after = report.stroke_px_after
  if (positive(before) && positive(after)) {
    if (after > before * 1.15) parts.push(`strokes thickened from ${before.toFixed(1)} px to ${after.toFixed(1)} px`)
    else if (after < before / 1.15) parts.push(`strokes thinned from ${before.toFixed(1)} px to ${after.toFixed(1)} px`)
  }
  const tail = 'cropped and centred in 28×28'
  const text = parts.length > 0 ? `${parts.join(', ')}, then ${tail}` : tail
  return `${noisyPath(report)}${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}
