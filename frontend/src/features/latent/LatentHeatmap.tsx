import { useEffect, useRef } from 'react'
import { divergingColor, gridShape } from '../../lib/colors'

const CELL = 12

/** The latent vector as a grid of cells, blue (negative) to red (positive), scaled by max |z|. */
export function LatentHeatmap({ latent }: { latent: number[] | null }) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const n = latent?.length ?? 0
  const { rows, cols } = gridShape(n || 128)

  useEffect(() => {
    const ctx = canvasRef.current?.getContext('2d')
    if (!ctx) return
    ctx.clearRect(0, 0, cols * CELL, rows * CELL)
    if (!latent || latent.length === 0) return
    const scale = Math.max(1e-6, ...latent.map((v) => Math.abs(v)))
    latent.forEach((value, i) => {
      ctx.fillStyle = divergingColor(value / scale)
      ctx.fillRect((i % cols) * CELL, Math.floor(i / cols) * CELL, CELL - 1, CELL - 1)
    })
  }, [latent, rows, cols])

  const max = latent && latent.length > 0 ? Math.max(...latent.map((v) => Math.abs(v))) : null
  return (
    <figure className="latent-heatmap">
      <canvas
        ref={canvasRef}
        width={cols * CELL}
        height={rows * CELL}
        style={{ width: cols * CELL * 2 }}
        role="img"
        aria-label={latent ? `Latent vector heatmap, ${n} values` : 'Latent vector heatmap (empty)'}
      />
      <figcaption className="muted">
        {latent ? (
          <>
            {n} latent values; blue negative, red positive (|z| max {max?.toFixed(2)})
          </>
        ) : (
          'The latent vector appears here.'
        )}
      </figcaption>
    </figure>
  )
}
