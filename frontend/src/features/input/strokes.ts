/** A point in the pad's own 280x280 coordinates. */
export type Point = [number, number]

export interface Stroke {
  size: number
  erase: boolean
  points: Point[]
}

/**
 * Draw a stroke (or, with `from`, only its points from that index on, while it is being drawn): black
 * ink, or erasing to transparent; a stroke that never moved is a dot.
 */
export function drawStroke(ctx: CanvasRenderingContext2D, stroke: Stroke, from = 0) {
  const { points, size } = stroke
  ctx.globalCompositeOperation = stroke.erase ? 'destination-out' : 'source-over'
  ctx.strokeStyle = '#000'
  ctx.fillStyle = '#000'
  ctx.lineWidth = size
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'
  if (points.length === 1 || (from === 0 && points.length > 0 && points.every((p) => p[0] === points[0][0] && p[1] === points[0][1]))) {
    ctx.beginPath()
    ctx.arc(points[0][0], points[0][1], size / 2, 0, Math.PI * 2)
    ctx.fill()
    if (points.length === 1) {
      ctx.globalCompositeOperation = 'source-over'
      return
    }
  }
  const start = Math.max(0, from - 1)
  ctx.beginPath()
  ctx.moveTo(points[start][0], points[start][1])
  for (let i = start + 1; i < points.length; i += 1) ctx.lineTo(points[i][0], points[i][1])
  ctx.stroke()
  ctx.globalCompositeOperation = 'source-over'
}
