import { useEffect, useMemo, useRef } from 'react'
import { divergingColor } from '../../lib/colors'
import { colourPosition, formatSd, heatmapShape, mostUnusual, relativeCode } from './math'
import './latent.css'

interface LatentHeatmapProps {
  latent: number[] | null
  /** the map's mean code and per-number standard deviation (the baseline); absent on older maps */
  mean?: number[]
  std?: number[]
  /** "digit", "clothing item" */
  subject?: string
}

const LIMIT = 3

/**
 * The code as a grid of cells, each number compared with the dataset: (z - mean) / std, blue below the
 * average, red above, white at it, clipped at ±3 standard deviations.
 */
export function LatentHeatmap({ latent, mean, std, subject = 'digit' }: LatentHeatmapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const n = latent?.length ?? 0
  const { rows, cols } = heatmapShape(n)
  const short = n > 0 && n <= 32
  // short codes: big cells with their number drawn at full resolution; long ones: small cells shown 2x
  const cell = short ? 40 : 12
  const code = useMemo(() => (latent ? relativeCode(latent, mean, std) : null), [latent, mean, std])
  const scale = useMemo(() => {
    if (!code || code.relative) return LIMIT
    return Math.max(1e-6, ...code.values.map((v) => Math.abs(v)))
  }, [code])

  useEffect(() => {
    const ctx = canvasRef.current?.getContext('2d')
    if (!ctx) return
    ctx.clearRect(0, 0, cols * cell, rows * cell)
    if (!code) return
    code.values.forEach((value, i) => {
      const t = colourPosition(value, scale)
      const [x, y] = [(i % cols) * cell, Math.floor(i / cols) * cell]
      ctx.fillStyle = divergingColor(t)
      ctx.fillRect(x, y, cell - 1, cell - 1)
      if (short && typeof ctx.fillText === 'function') {
        ctx.fillStyle = Math.abs(t) > 0.55 ? '#fff' : '#1f2937'
        ctx.font = '13px system-ui, sans-serif'
        ctx.textAlign = 'center'
        ctx.textBaseline = 'middle'
        ctx.fillText(String(i + 1), x + (cell - 1) / 2, y + (cell - 1) / 2)
      }
    })
  }, [code, rows, cols, cell, scale, short])

  const unusual = code?.relative ? mostUnusual(code.values, 2) : []
  return (
    <figure className="latent-heatmap">
      <h3 className="latent__subtitle">The code</h3>
      <canvas
        ref={canvasRef}
        width={cols * cell}
        height={rows * cell}
        style={{ width: cols * cell * (short ? 1 : 2) }}
        role="img"
        aria-label={latent ? `Latent vector heatmap, ${n} values` : 'Latent vector heatmap (empty)'}
      />
      {code?.relative && (
        <div className="latent-scale" aria-hidden="true">
          <span className="latent-scale__bar" style={{ background: `linear-gradient(to right, ${divergingColor(-1)}, ${divergingColor(0)}, ${divergingColor(1)})` }} />
          <span className="latent-scale__labels">
            <span>−3 sd, less</span>
            <span>average</span>
            <span>more, +3 sd</span>
          </span>
        </div>
      )}
      <figcaption className="muted">
        {!code && `The numbers that describe your ${subject} appear here.`}
        {code?.relative && (
          <>
            Each cell is one of the {n} numbers the model uses to describe the {subject}, compared with an average test {subject}:
            red = more than usual, blue = less.
          </>
        )}
        {code && !code.relative && (
          <>
            Each cell is one of the {n} numbers the model uses to describe the {subject}: red = positive, blue = negative. (This
            model&apos;s map has no average to compare with.)
          </>
        )}
      </figcaption>
      {unusual.length > 0 && (
        <p className="latent-heatmap__unusual" data-testid="latent-unusual">
          {Math.abs(unusual[0].value) < 1
            ? `No number is far from usual: all are within 1 sd of the average.`
            : `The most unusual numbers: ${unusual.map((u) => `#${u.number} (${formatSd(u.value)})`).join(', ')}.`}
        </p>
      )}
    </figure>
  )
}
