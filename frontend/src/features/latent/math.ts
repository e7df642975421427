/** Pure helpers of the latent explorer: map geometry, nearest points, codes and their scaling. */
import { gridShape } from '../../lib/colors'

export type Point = [number, number]

/** The data rectangle a map is drawn from. */
export interface Bounds {
  x0: number
  x1: number
  y0: number
  y1: number
}

/** The extent of the map's points with a margin (a fraction of each side); null for no points. */
export function mapBounds(points: readonly (readonly number[])[], margin = 0.04): Bounds | null {
  if (points.length === 0) return null
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (const [x, y] of points) {
    x0 = Math.min(x0, x)
    x1 = Math.max(x1, x)
    y0 = Math.min(y0, y)
    y1 = Math.max(y1, y)
  }
  const dx = x1 - x0 || 1
  const dy = y1 - y0 || 1
  return { x0: x0 - dx * margin, x1: x1 + dx * margin, y0: y0 - dy * margin, y1: y1 + dy * margin }
}

/** Map coordinates to a size x size canvas (y grows downwards on screen). */
export function toCanvas(bounds: Bounds, size: number, [x, y]: Point): Point {
  return [((x - bounds.x0) / (bounds.x1 - bounds.x0)) * size, size - ((y - bounds.y0) / (bounds.y1 - bounds.y0)) * size]
}

/** The inverse of toCanvas: a canvas position back to map coordinates. */
export function fromCanvas(bounds: Bounds, size: number, [cx, cy]: Point): Point {
  return [bounds.x0 + (cx / size) * (bounds.x1 - bounds.x0), bounds.y0 + ((size - cy) / size) * (bounds.y1 - bounds.y0)]
}

/**
 * Index of the point nearest to `target` (squared distance, each axis weighted by its scale so the
 * search happens in screen space), or -1 when there are no points or none within `maxDistance`.
 */
export function nearestPoint(
  points: readonly (readonly number[])[],
  target: Point,
  { scaleX = 1, scaleY = 1, maxDistance = Infinity }: { scaleX?: number; scaleY?: number; maxDistance?: number } = {},
): number {
  let best = -1
  let bestD = maxDistance * maxDistance
  for (let i = 0; i < points.length; i += 1) {
    const dx = (points[i][0] - target[0]) * scaleX
    const dy = (points[i][1] - target[1]) * scaleY
    const d = dx * dx + dy * dy
    if (d < bestD || (best === -1 && d <= bestD)) {
      best = i
      bestD = d
    }
  }
  return best
}

/** `steps` codes from `from` to `to` in equal steps, both ends included. */
export function interpolateCodes(from: readonly number[], to: readonly number[], steps = 8): number[][] {
  if (from.length !== to.length) throw new Error(`Codes of different lengths: ${from.length} and ${to.length}`)
  if (!Number.isInteger(steps) || steps < 2) throw new Error('At least two steps are needed')
  return Array.from({ length: steps }, (_, s) => {
    const t = s / (steps - 1)
    return from.map((a, i) => a + (to[i] - a) * t)
  })
}

/** The code relative to the dataset: (z - mean) / std per number, in standard deviations. */
export interface RelativeCode {
  values: number[]
  /** false when the map has no mean and std (an older map): values are the raw code */
  relative: boolean
}

/** Each number of the code in standard deviations from the map's mean (0 where that is undefined). */
export function relativeCode(latent: readonly number[], mean?: readonly number[], std?: readonly number[]): RelativeCode {
  if (!mean || !std || mean.length !== latent.length || std.length !== latent.length) {
    return { values: latent.map((v) => (Number.isFinite(v) ? v : 0)), relative: false }
  }
  const values = latent.map((z, i) => {
    const s = std[i]
    const v = (z - mean[i]) / (s > 1e-6 ? s : 1e-6)
    return Number.isFinite(v) ? v : 0
  })
  return { values, relative: true }
}

/** Clip to [-limit, limit] and scale to [-1, 1] for a diverging colour scale. */
export function colourPosition(value: number, limit = 3): number {
  if (!Number.isFinite(value)) return 0
  return Math.max(-1, Math.min(1, value / limit))
}

/** The `count` numbers furthest from 0 (1-based `number`), largest first; ties keep the order. */
export function mostUnusual(values: readonly number[], count = 2): { number: number; value: number }[] {
  return values
    .map((value, i) => ({ number: i + 1, value }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.number - b.number)
    .slice(0, count)
}

/** "+2.4 sd", "−1.9 sd" (a real minus sign). */
export function formatSd(value: number): string {
  const rounded = Math.round(value * 10) / 10
  return `${rounded < 0 ? '−' : '+'}${Math.abs(rounded).toFixed(1)} sd`
}

/** Cells per row: short codes in one or two rows of up to 8, long ones near-square. */
export function heatmapShape(n: number): { rows: number; cols: number } {
  if (n <= 0) return gridShape(128)
  if (n <= 32) {
    const cols = Math.min(n, 8)
    return { rows: Math.ceil(n / cols), cols }
  }
  return gridShape(n)
}

