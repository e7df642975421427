import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, type Ref } from 'react'
import type { Preprocess } from '../../api'
import { exportPng, fitRect, isCanvasBlank, meanGreyOnWhite, prepareUpload } from '../../lib/image'
import './pad.css'

/** Side of the pad's bitmap: ten times MNIST's 28 pixels. */
export const PAD_SIZE = 280

export type Tool = 'brush' | 'eraser'

type Point = [number, number]

interface Stroke {
  size: number
  erase: boolean
  points: Point[]
}

/** Where the sent image lies on the pad: pad = offset + image pixel * scale. */
export interface Placement {
  x: number
  y: number
  scale: number
}

/**
 * Where the pad's content comes from: strokes (a drawing, also over an image), an upload (file picker,
 * drop, paste), a dataset example, or one of the noisy example files.
 */
export type InputSource = 'drawing' | 'upload' | 'example' | 'noisy-example'
/** Where a loaded image comes from. */
export type ImageSource = Exclude<InputSource, 'drawing'>

interface Background {
  canvas: HTMLCanvasElement
  blob: Blob
  preprocess: Preprocess
  placement: Placement
  source: ImageSource
}

/** What the API receives: an image, how the server should preprocess it, and where it lies on the pad. */
export interface PadInput {
  blob: Blob
  preprocess: Preprocess
  placement: Placement
}

export interface PadState {
  strokes: number
  hasBackground: boolean
  canRedo: boolean
  /** bumped on every change of the content */
  version: number
  /** what is on the pad now (null when it is empty) */
  source: InputSource | null
}

/** A box in the pad's own 280x280 coordinates. */
export interface PadBox {
  x: number
  y: number
  width: number
  height: number
}

type Action = { kind: 'stroke'; stroke: Stroke } | { kind: 'background'; background: Background }

export interface DrawingPadHandle {
  undo(): void
  redo(): void
  clear(): void
  /** Put an image on the pad (an upload or an example); strokes can then be drawn over it. */
  loadImage(blob: Blob, preprocess: Preprocess, source?: ImageSource): Promise<void>
  /** The pad's content for the API, or null when the pad is blank. */
  getInput(): Promise<PadInput | null>
  isEmpty(): boolean
}

interface DrawingPadProps {
  brushSize: number
  tool?: Tool
  /** a box to outline on the pad (the crop the server's preprocessing took) */
  highlight?: PadBox | null
  highlightLabel?: string
  /** Called once a stroke is finished (pointerup), with performance.now() at that moment. */
  onStrokeEnd?: (at: number) => void
  onChange?: (state: PadState) => void
  ref?: Ref<DrawingPadHandle>
}

const DRAWN: Placement = { x: 0, y: 0, scale: 1 }

function drawStroke(ctx: CanvasRenderingContext2D, stroke: Stroke, from = 0) {
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

/** Whether an image's corner pixel is dark (so the letterbox should be dark too). */
function cornerIsDark(source: CanvasImageSource): boolean {
  const probe = document.createElement('canvas')
  probe.width = 1
  probe.height = 1
  const ctx = probe.getContext('2d', { willReadFrequently: true })
  if (!ctx) return false
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, 1, 1)
  ctx.drawImage(source, 0, 0, 1, 1, 0, 0, 1, 1)
  return meanGreyOnWhite(ctx.getImageData(0, 0, 1, 1).data) < 128
}

/** Render an image dark-on-light onto a white PAD_SIZE canvas, inverting light-on-dark images. */
function renderBackground(source: CanvasImageSource, width: number, height: number): { canvas: HTMLCanvasElement; placement: Placement } {
  const canvas = document.createElement('canvas')
  canvas.width = PAD_SIZE
  canvas.height = PAD_SIZE
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) throw new Error('Canvas 2D is not available in this browser')
  const box = fitRect(width, height, PAD_SIZE, PAD_SIZE, 0)
  // Small images (28x28 examples) keep crisp pixels; photos are smoothed.
  ctx.imageSmoothingEnabled = box.scale < 3
  ctx.fillStyle = cornerIsDark(source) ? '#000' : '#fff'
  ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE)
  ctx.drawImage(source, box.x, box.y, box.width, box.height)
  const { data } = ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE)
  if (meanGreyOnWhite(data) < 128) {
    ctx.globalCompositeOperation = 'difference'
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE)
    ctx.globalCompositeOperation = 'source-over'
  }
  return { canvas, placement: { x: box.x, y: box.y, scale: box.scale } }
}

/**
 * A square drawing pad: black ink on a transparent bitmap (white on screen). Pointer events cover
 * mouse, touch and pen; `touch-action: none` keeps the page from scrolling while drawing (the pad
 * leaves a margin beside it to scroll with). Undo/redo cover strokes, erasing and loaded images.
 */
export function DrawingPad({ brushSize, tool = 'brush', highlight, highlightLabel, onStrokeEnd, onChange, ref }: DrawingPadProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const strokes = useRef<Stroke[]>([])
  const redoStack = useRef<Action[]>([])
  const current = useRef<{ id: number; stroke: Stroke } | null>(null)
  const background = useRef<Background | null>(null)
  const version = useRef(0)
  const cache = useRef<{ version: number; input: PadInput | null } | null>(null)
  const ctxRef = useRef<CanvasRenderingContext2D | null>(null)

  // Latest props for the pointer handlers and the imperative handle.
  const brush = useRef({ size: brushSize, erase: tool === 'eraser' })
  const callbacks = useRef({ onStrokeEnd, onChange })
  useLayoutEffect(() => {
    brush.current = { size: brushSize, erase: tool === 'eraser' }
    callbacks.current = { onStrokeEnd, onChange }
  })

  // The pad is read back on every stroke (blank check, export): ask for a CPU-backed canvas.
  const context = () => {
    if (!ctxRef.current && canvasRef.current) {
      ctxRef.current = canvasRef.current.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | null
    }
    return ctxRef.current
  }

  const changed = useCallback(() => {
    version.current += 1
    callbacks.current.onChange?.({
      strokes: strokes.current.length,
      hasBackground: background.current !== null,
      canRedo: redoStack.current.length > 0,
      version: version.current,
      source: strokes.current.length > 0 ? 'drawing' : (background.current?.source ?? null),
    })
  }, [])

  const redraw = useCallback(() => {
    const ctx = context()
    if (!ctx) return
    ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE)
    if (background.current) ctx.drawImage(background.current.canvas, 0, 0)
    for (const stroke of strokes.current) drawStroke(ctx, stroke)
  }, [])

  useEffect(() => {
    redraw()
  }, [redraw])

  const toPad = (event: React.PointerEvent<HTMLCanvasElement> | PointerEvent): Point => {
    const canvas = canvasRef.current!
    const rect = canvas.getBoundingClientRect()
    const sx = rect.width > 0 ? PAD_SIZE / rect.width : 1
    const sy = rect.height > 0 ? PAD_SIZE / rect.height : 1
    return [(event.clientX - rect.left) * sx, (event.clientY - rect.top) * sy]
  }

  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return
    if (current.current) return // a second finger while drawing
    event.preventDefault()
    event.currentTarget.setPointerCapture?.(event.pointerId)
    const stroke: Stroke = { size: brush.current.size, erase: brush.current.erase, points: [toPad(event)] }
    current.current = { id: event.pointerId, stroke }
    const ctx = context()
    if (ctx) drawStroke(ctx, stroke)
  }

  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const active = current.current
    if (!active || active.id !== event.pointerId) return
    const native = event.nativeEvent
    const events = typeof native.getCoalescedEvents === 'function' ? native.getCoalescedEvents() : []
    const from = active.stroke.points.length
    for (const e of events.length > 0 ? events : [native]) active.stroke.points.push(toPad(e))
    const ctx = context()
    if (ctx) drawStroke(ctx, active.stroke, from)
  }

  const finish = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const active = current.current
    if (!active || active.id !== event.pointerId) return
    current.current = null
    strokes.current.push(active.stroke)
    redoStack.current = []
    callbacks.current.onStrokeEnd?.(performance.now())
    changed()
  }

  useImperativeHandle(
    ref,
    () => ({
      undo() {
        const stroke = strokes.current.pop()
        if (stroke) redoStack.current.push({ kind: 'stroke', stroke })
        else if (background.current) {
          redoStack.current.push({ kind: 'background', background: background.current })
          background.current = null
        } else return
        redraw()
        changed()
      },
      redo() {
        const action = redoStack.current.pop()
        if (!action) return
        if (action.kind === 'stroke') strokes.current.push(action.stroke)
        else background.current = action.background
        redraw()
        changed()
      },
      clear() {
        strokes.current = []
        redoStack.current = []
        background.current = null
        redraw()
        changed()
      },
      async loadImage(blob, preprocess, source = 'upload') {
        const upload = await prepareUpload(blob)
        const { canvas, placement } = renderBackground(upload.source, upload.width, upload.height)
        if ('close' in upload.source && typeof upload.source.close === 'function') upload.source.close()
        background.current = { canvas, blob: upload.blob, preprocess, placement, source }
        strokes.current = []
        redoStack.current = []
        redraw()
        changed()
      },
      async getInput() {
        const v = version.current
        if (cache.current?.version === v) return cache.current.input
        let input: PadInput | null = null
        if (strokes.current.length === 0 && background.current) {
          const { blob, preprocess, placement } = background.current
          input = { blob, preprocess, placement }
        } else if (strokes.current.length > 0 && canvasRef.current && !isCanvasBlank(canvasRef.current)) {
          input = { blob: exportPng(canvasRef.current), preprocess: 'mnist', placement: DRAWN }
        }
        if (version.current === v) cache.current = { version: v, input }
        return input
      },
      isEmpty() {
        return strokes.current.length === 0 && background.current === null
      },
    }),
    [changed, redraw],
  )

  const pct = (value: number) => `${(value / PAD_SIZE) * 100}%`
  return (
    <div className="pad-box">
      <canvas
        ref={canvasRef}
        className={`pad${tool === 'eraser' ? ' pad--eraser' : ''}`}
        width={PAD_SIZE}
        height={PAD_SIZE}
        role="img"
        aria-label="Drawing pad"
        aria-describedby="pad-help"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={finish}
        onPointerCancel={finish}
        onContextMenu={(event) => event.preventDefault()}
      />
      {highlight && (
        <div
          className="pad-box__crop"
          data-testid="crop-box"
          title={highlightLabel}
          aria-hidden="true"
          style={{
            // drawn just outside the box, so the outline does not hide ink on the box's edge
            left: `calc(${pct(highlight.x)} - 3px)`,
            top: `calc(${pct(highlight.y)} - 3px)`,
            width: `calc(${pct(highlight.width)} + 6px)`,
            height: `calc(${pct(highlight.height)} + 6px)`,
          }}
        />
      )}
    </div>
  )
}
