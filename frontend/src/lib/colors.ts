/** Tableau 10: one colour per class of the latent map. */
export const CLASS_COLORS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
  '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
] as const

export function classColor(label: number): string {
  return CLASS_COLORS[((label % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length]
}

/** Diverging blue-white-red colour for a value in [-1, 1]. */
export function divergingColor(t: number): string {
  const v = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0))
  const a = Math.abs(v)
  // white (247,247,247) towards red (202,0,32) or blue (5,113,176)
  const [r, g, b] = v >= 0 ? [202, 0, 32] : [5, 113, 176]
  const mix = (c: number) => Math.round(247 + (c - 247) * a)
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`
}

/** Rows and columns of a near-square grid (wider than tall) that holds n cells. */
export function gridShape(n: number): { rows: number; cols: number } {
  if (n <= 0) return { rows: 0, cols: 0 }
  const cols = Math.ceil(Math.sqrt(n * 2))
  return { rows: Math.ceil(n / cols), cols }
}
