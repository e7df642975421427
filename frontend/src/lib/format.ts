import type { ImageMetrics } from '../api'

/** A number with `digits` decimals and a unit, or an em dash when missing. */
export function fmt(value: number | undefined | null, digits: number, unit = ''): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)}${unit}`
}

/** True when two images are the same (no error at all: PSNR is infinite, or a 100 dB placeholder). */
export function isIdentical(metrics: ImageMetrics | undefined | null): boolean {
  if (!metrics) return false
  return metrics.mse === 0 || !Number.isFinite(metrics.psnr) || metrics.psnr >= 99
}

/** The PSNR gain of denoised over noisy, e.g. "+11.2 dB"; null when either is missing or identical. */
export function psnrGain(noisy: ImageMetrics | undefined | null, denoised: ImageMetrics | undefined | null): string | null {
  if (!noisy || !denoised || isIdentical(noisy) || isIdentical(denoised)) return null
  const gain = denoised.psnr - noisy.psnr
  if (!Number.isFinite(gain)) return null
  return `${gain >= 0 ? '+' : '−'}${Math.abs(gain).toFixed(1)} dB`
}
