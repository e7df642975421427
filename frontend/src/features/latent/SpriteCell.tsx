import { useEffect, useRef } from 'react'
import type { LatentSprite } from '../../api'
import './latent.css'

interface SpriteCellProps {
  /** the loaded sprite image (null while loading or when the map has none) */
  sprite: HTMLImageElement | null
  info: LatentSprite | undefined
  /** map point index; -1 for none */
  index: number
  label: string
}

/** One map digit, cut from the sprite onto a 28x28 canvas (no request per point), shown enlarged. */
export function SpriteCell({ sprite, info, index, label }: SpriteCellProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const cell = info?.cell ?? 28
  useEffect(() => {
    const ctx = canvasRef.current?.getContext('2d')
    if (!ctx) return
    ctx.imageSmoothingEnabled = false
    ctx.clearRect(0, 0, cell, cell)
    if (!sprite || !info || index < 0 || index >= info.count) return
    const sx = (index % info.columns) * cell
    const sy = Math.floor(index / info.columns) * cell
    ctx.drawImage(sprite, sx, sy, cell, cell, 0, 0, cell, cell)
  }, [sprite, info, index, cell])
  const empty = index < 0 || !info
  return (
    <canvas
      ref={canvasRef}
      className={`latent-cell pixelated${empty ? ' latent-cell--empty' : ''}`}
      width={cell}
      height={cell}
      role="img"
      aria-label={label}
    />
  )
}
