import type { CompareResponse, NoiseType } from '../../api'

const NOISE_NAMES: Record<NoiseType, string> = {
  none: 'no noise',
  gaussian: 'Gaussian',
  salt_pepper: 'salt & pepper',
  speckle: 'speckle',
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** True when the server added noise (the results are then sorted best PSNR first). */
export function noised(answer: CompareResponse): boolean {
  return answer.noise.type !== 'none' && answer.noise.level > 0 && answer.noise.metrics !== null
}

/**
 * One line saying what the grid is: "9 methods on the same noisy digit (Gaussian 0.50, seed 42): 4
 * models and 5 classical baselines, whose parameters were tuned on the validation split. Best PSNR first."
 */
export function compareSummary(answer: CompareResponse, subject: string): string {
  const models = answer.results.filter((r) => r.kind === 'model').length
  const baselines = answer.results.length - models
  const parts = [plural(models, 'model')]
  if (baselines > 0) parts.push(plural(baselines, 'classical baseline'))
  const kinds = parts.join(' and ')
  const tuned = baselines > 0 ? ', whose parameters were tuned on the validation split' : ''
  if (!noised(answer)) {
    return `${plural(answer.results.length, 'method')} on the ${subject} as it was sent (no noise added): ${kinds}${tuned}. With no clean reference there is nothing to score them against: listed as the server sent them.`
  }
  const { type, level, seed } = answer.noise
  return `${plural(answer.results.length, 'method')} on the same noisy ${subject} (${NOISE_NAMES[type]} ${level.toFixed(2)}, seed ${seed}): ${kinds}${tuned}. Best PSNR first.`
}

/** Milliseconds for a card: "0.42 ms", "6.0 ms", "1,250 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  return `${Math.round(ms).toLocaleString('en')} ms`
}
