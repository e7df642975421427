import { useEffect, useMemo, useRef } from 'react'
import type { LatentMap as LatentMapData } from '../../api'
import { classColor } from '../../lib/colors'

const SIZE = 320
const PAD = 12

interface LatentMapProps {
  map: LatentMapData | null
  point: [number, number] | null
  error?: string | null
}

/** The test set's 2-D latent map, points coloured by class, with the user's digit highlighted. */
export function LatentMap({ map, point, error }: LatentMapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)

  const bounds = useMemo(() => {
    if (!map || map.points.length === 0) return null
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
    for (const [x, y] of map.points) {
      x0 = Math.min(x0, x)
      x1 = Math.max(x1, x)
      y0 = Math.min(y0, y)
      y1 = Math.max(y1, y)
    }
    if (point) {
      x0 = Math.min(x0, point[0])
      x1 = Math.max(x1, point[0])
      y0 = Math.min(y0, point[1])
      y1 = Math.max(y1, point[1])
    }
    return { x0, x1: x1 === x0 ? x0 + 1 : x1, y0, y1: y1 === y0 ? y0 + 1 : y1 }
  }, [map, point])

  useEffect(() => {
    const canvas = canvasRef.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    const dpr = Math.min(2, window.devicePixelRatio || 1)
    canvas.width = SIZE * dpr
    canvas.height = SIZE * dpr
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.clearRect(0, 0, SIZE, SIZE)
    if (!map || !bounds) return
    const sx = (x: number) => PAD + ((x - bounds.x0) / (bounds.x1 - bounds.x0)) * (SIZE - 2 * PAD)
    // screen y grows downwards
    const sy = (y: number) => SIZE - PAD - ((y - bounds.y0) / (bounds.y1 - bounds.y0)) * (SIZE - 2 * PAD)
    ctx.globalAlpha = 0.6
    for (const [x, y, label] of map.points) {
      ctx.fillStyle = classColor(label)
      ctx.fillRect(sx(x) - 1.5, sy(y) - 1.5, 3, 3)
    }
    ctx.globalAlpha = 1
    if (point) {
      const [px, py] = [sx(point[0]), sy(point[1])]
      ctx.beginPath()
      ctx.arc(px, py, 9, 0, Math.PI * 2)
      ctx.fillStyle = 'rgba(255,255,255,0.85)'
      ctx.fill()
      ctx.lineWidth = 3
      ctx.strokeStyle = '#111'
      ctx.stroke()
      ctx.beginPath()
      ctx.arc(px, py, 3, 0, Math.PI * 2)
      ctx.fillStyle = '#111'
      ctx.fill()
    }
  }, [map, bounds, point])

  const variance = map?.explained_variance_ratio
  return (
    <figure className="latent-map">
      <canvas
        ref={canvasRef}
        className="latent-map__canvas"
        width={SIZE}
        height={SIZE}
        role="img"
        aria-label={
          point
            ? `Latent map of the test set with your image at (${point[0].toFixed(2)}, ${point[1].toFixed(2)})`
            : 'Latent map of the test set'
        }
      />
      {error && <p className="muted">Latent map unavailable: {error}</p>}
      {map && (
        <figcaption>
          <ul className="legend" aria-label="Classes">
            {map.class_names.map((name, label) => (
              <li key={label}>
                <span className="legend__swatch" style={{ background: classColor(label) }} aria-hidden="true" />
                {name}
              </li>
            ))}
            <li>
              <span className="legend__swatch legend__swatch--you" aria-hidden="true" />
              your image
            </li>
          </ul>
          {variance && variance.length >= 2 && (
            <p className="muted">
              PCA of {map.points.length.toLocaleString('en')} test images; axes explain {(variance[0] * 100).toFixed(0)}% and{' '}
              {(variance[1] * 100).toFixed(0)}% of the variance.
            </p>
          )}
        </figcaption>
      )}
    </figure>
  )
}
