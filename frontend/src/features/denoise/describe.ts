import type { PreprocessReport } from '../../api'

const positive = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0

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
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}
