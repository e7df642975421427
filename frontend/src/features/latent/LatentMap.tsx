import { useEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent, type PointerEvent } from 'react'
import type { LatentMap as LatentMapData } from '../../api'
import { classColor } from '../../lib/colors'
import { fromCanvas, mapBounds, nearestPoint, toCanvas, type Point } from './math'
import './latent.css'

/** The map's drawing size in CSS pixels (the canvas holds SIZE x devicePixelRatio pixels). */
export const MAP_SIZE = 360
const SPOT_COLOUR = '#c026d3'
const CURSOR_COLOUR = '#1d4ed8'

interface LatentMapProps {
  map: LatentMapData | null
  loading?: boolean
  error?: string | null
  /** where the user's image lands (encode's projection) */
  point: Point | null
  /** map point indices of its nearest test images, ringed */
  neighbours?: readonly number[]
  /** the map point under the pointer or the keyboard cursor (-1: none) */
  hovered: number
  onHover: (index: number) => void
  /** the decoded spot, marked with a cross */
  spot: Point | null
  /** a click, a tap or Enter at a spot of the map */
  onPick: (point: Point) => void
  canDecode: boolean
  /** "digit" */
  subject: string
  /** the model was trained on your own images: the map is of "your test images" */
  own?: boolean
}

/**
 * The 2-D map of the test set, points coloured by class. Hover (mouse) or touch-and-drag shows the
 * nearest test image; a click, a tap or Enter picks a spot. Arrow keys move a cursor (Shift: faster).
 */
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

export function LatentMap({ map, loading, error, point, neighbours, hovered, onHover, spot, onPick, canDecode, subject, own = false }: LatentMapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const [cursor, setCursor] = useState<Point | null>(null)
  const [focused, setFocused] = useState(false)
  // the cursor is drawn only while the keyboard drives the map (not after a click)
  const [keyboard, setKeyboard] = useState(false)
  const pressed = useRef(false)
  const bounds = useMemo(() => (map ? mapBounds(map.points) : null), [map])

  // the points, drawn once per map on a canvas of their own
  const base = useMemo(() => {
    if (!map || !bounds || typeof document === 'undefined') return null
    const dpr = Math.min(2, (typeof window !== 'undefined' && window.devicePixelRatio) || 1)
    const layer = document.createElement('canvas')
    layer.width = MAP_SIZE * dpr
    layer.height = MAP_SIZE * dpr
    const ctx = layer.getContext('2d')
    if (!ctx) return null
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, MAP_SIZE, MAP_SIZE)
    ctx.globalAlpha = 0.75
    for (const [x, y, label] of map.points) {
      const [cx, cy] = toCanvas(bounds, MAP_SIZE, [x, y])
      ctx.fillStyle = classColor(label)
      ctx.fillRect(cx - 1.5, cy - 1.5, 3, 3)
    }
    ctx.globalAlpha = 1
    return { layer, dpr }
  }, [map, bounds])

  useEffect(() => {
    const canvas = canvasRef.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    const dpr = base?.dpr ?? 1
    if (canvas.width !== MAP_SIZE * dpr) {
      canvas.width = MAP_SIZE * dpr
      canvas.height = MAP_SIZE * dpr
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, canvas.width, canvas.height)
    if (!base || !bounds || !map) return
    ctx.drawImage(base.layer, 0, 0)
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    const at = (p: Point) => toCanvas(bounds, MAP_SIZE, p)
    const ring = (p: Point, radius: number, colour: string, width: number) => {
      ctx.beginPath()
      ctx.arc(p[0], p[1], radius, 0, Math.PI * 2)
      ctx.lineWidth = width + 2
      ctx.strokeStyle = '#fff'
      ctx.stroke()
      ctx.lineWidth = width
      ctx.strokeStyle = colour
      ctx.stroke()
    }
    for (const index of neighbours ?? []) {
      const p = map.points[index]
      if (p) ring(at([p[0], p[1]]), 5, '#111', 1.5)
    }
    if (hovered >= 0 && map.points[hovered]) {
      const p = map.points[hovered]
      ring(at([p[0], p[1]]), 6.5, classColor(p[2]), 2.5)
    }
    if (spot) {
      const [sx, sy] = at(spot)
      for (const [colour, width] of [['#fff', 4.5], [SPOT_COLOUR, 2.5]] as const) {
        ctx.beginPath()
        ctx.moveTo(sx - 7, sy)
        ctx.lineTo(sx + 7, sy)
        ctx.moveTo(sx, sy - 7)
        ctx.lineTo(sx, sy + 7)
        ctx.lineWidth = width
        ctx.strokeStyle = colour
        ctx.stroke()
      }
    }
    if (point) {
      const [px, py] = at(point).map((v) => Math.max(9, Math.min(MAP_SIZE - 9, v)))
      ctx.beginPath()
      ctx.arc(px, py, 8, 0, Math.PI * 2)
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
    if (focused && keyboard && cursor) {
      const [cx, cy] = at(cursor)
      ctx.setLineDash?.([4, 3])
      ctx.beginPath()
      ctx.moveTo(cx, 0)
      ctx.lineTo(cx, MAP_SIZE)
      ctx.moveTo(0, cy)
      ctx.lineTo(MAP_SIZE, cy)
      ctx.lineWidth = 1.5
      ctx.strokeStyle = CURSOR_COLOUR
      ctx.stroke()
      ctx.setLineDash?.([])
    }
  }, [base, bounds, map, neighbours, hovered, spot, point, focused, keyboard, cursor])

  /** The map coordinates under a pointer event (null outside the drawing). */
  const mapPoint = (event: PointerEvent<HTMLElement>): Point | null => {
    const canvas = canvasRef.current
    if (!canvas || !bounds) return null
    const rect = canvas.getBoundingClientRect()
    const width = rect.width || MAP_SIZE
    const height = rect.height || MAP_SIZE
    const cx = ((event.clientX - rect.left) / width) * MAP_SIZE
    const cy = ((event.clientY - rect.top) / height) * MAP_SIZE
    if (!Number.isFinite(cx) || !Number.isFinite(cy) || cx < 0 || cy < 0 || cx > MAP_SIZE || cy > MAP_SIZE) return null
    return fromCanvas(bounds, MAP_SIZE, [cx, cy])
  }

  const nearest = (p: Point) => {
    if (!map || !bounds) return -1
    return nearestPoint(map.points, p, { scaleX: MAP_SIZE / (bounds.x1 - bounds.x0), scaleY: MAP_SIZE / (bounds.y1 - bounds.y0) })
  }

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 && event.pointerType === 'mouse') return
    pressed.current = true
    setKeyboard(false)
    // a finger keeps reporting moves to the map while it drags, even past its edge
    if (event.pointerType !== 'mouse') event.currentTarget.setPointerCapture?.(event.pointerId)
    const p = mapPoint(event)
    if (p) onHover(nearest(p))
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const p = mapPoint(event)
    if (p) onHover(nearest(p))
  }
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!pressed.current) return
    pressed.current = false
    const p = mapPoint(event)
    if (!p) return
    setCursor(p)
    onPick(p)
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!bounds) return
    setKeyboard(true)
    const here = cursor ?? point ?? fromCanvas(bounds, MAP_SIZE, [MAP_SIZE / 2, MAP_SIZE / 2])
    const [cx, cy] = toCanvas(bounds, MAP_SIZE, here)
    const step = event.shiftKey ? 32 : 8
    const moves: Record<string, Point> = {
      ArrowLeft: [cx - step, cy],
      ArrowRight: [cx + step, cy],
      ArrowUp: [cx, cy - step],
      ArrowDown: [cx, cy + step],
    }
    if (event.key in moves) {
      event.preventDefault()
      const [nx, ny] = moves[event.key].map((v) => Math.max(0, Math.min(MAP_SIZE, v)))
      const next = fromCanvas(bounds, MAP_SIZE, [nx, ny])
      setCursor(next)
      onHover(nearest(next))
    } else if (event.key === 'Home' && point) {
      event.preventDefault()
      setCursor(point)
      onHover(nearest(point))
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      setCursor(here)
      onPick(here)
    }
  }

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    setFocused(true)
    try {
      if (event.currentTarget.matches(':focus-visible')) setKeyboard(true)
    } catch {
      // an engine without :focus-visible: the first arrow key shows the cursor
    }
    if (!cursor && bounds) {
      const start = point ?? fromCanvas(bounds, MAP_SIZE, [MAP_SIZE / 2, MAP_SIZE / 2])
      setCursor(start)
      onHover(nearest(start))
    }
  }

  const points = map?.points.length ?? 0
  const variance = map?.explained_variance_ratio
  const knn = map?.metrics?.map_knn_accuracy
  // your own images are "your test images", never "the test set" of a dataset
  const testSet = own ? 'your test images' : 'the test set'
  const counted = `${points.toLocaleString('en')} ${own ? 'of your test images' : 'test images'}`
  return (
    <figure className="latent-map">
      <div
        className="latent-map__surface"
        role="application"
        aria-label={canDecode ? 'Latent map explorer: arrow keys move a cursor, Enter decodes the spot' : 'Latent map explorer: arrow keys move a cursor'}
        aria-describedby="latent-map-help"
        tabIndex={map ? 0 : -1}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          pressed.current = false
        }}
        onPointerLeave={(event) => {
          if (event.pointerType === 'mouse') pressed.current = false
        }}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
        onBlur={() => setFocused(false)}
        data-testid="latent-map"
      >
        <canvas
          ref={canvasRef}
          className="latent-map__canvas"
          width={MAP_SIZE}
          height={MAP_SIZE}
          role="img"
          aria-label={
            point
              ? `Latent map of ${testSet} with your image at (${point[0].toFixed(2)}, ${point[1].toFixed(2)})`
              : `Latent map of ${testSet}`
          }
        />
        {!map && (
          <p className="latent-map__overlay muted">
            {error ? `Latent map unavailable: ${error}` : loading ? 'Loading the latent map…' : 'No latent map yet.'}
          </p>
        )}
      </div>
      <p id="latent-map-help" className="visually-hidden">
        Arrow keys move a cursor over the map and show the nearest test {subject}; Shift moves faster; Home goes to your image.
        {canDecode ? ' Enter or Space shows what the model draws at the cursor.' : ''}
      </p>
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
          <p className="muted latent-map__caption">
            {map.method
              ? `${capitalised(counted)} placed by ${map.method}.`
              : variance && variance.length >= 2
                ? `PCA of ${counted}; axes explain ${(variance[0] * 100).toFixed(0)}% and ${(variance[1] * 100).toFixed(0)}% of the variance.`
                : `${capitalised(counted)}.`}
            {typeof knn === 'number' && ` Neighbours on the map share a class ${Math.round(knn * 100)}% of the time.`}
            {neighbours && neighbours.length > 0 && ` Ringed: the ${neighbours.length} test images nearest to yours.`}
            {spot && ' The cross marks the spot decoded.'}
          </p>
        </figcaption>
      )}
    </figure>
  )
}
