import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, type Ref } from 'react'
import { exportPng, isCanvasBlank } from '../../lib/image'
import { loadBackground, type Background } from './background'
import { CropBox } from './CropBox'
import { PAD_SIZE, type DrawingPadHandle, type PadBox, type PadInput, type PadState, type Placement, type Tool } from './padTypes'
import { drawStroke, type Stroke } from './strokes'
import { usePointerStrokes } from './usePointerStrokes'
import './pad.css'

export type { DrawingPadHandle } from './padTypes'

type Action = { kind: 'stroke'; stroke: Stroke } | { kind: 'background'; background: Background }

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

/**
 * A square drawing pad: black ink on a transparent bitmap (white on screen). Pointer events cover
 * mouse, touch and pen (usePointerStrokes); `touch-action: none` keeps the page from scrolling while
 * drawing (the pad leaves a margin beside it to scroll with). Undo/redo cover strokes, erasing and
 * loaded images (background.ts).
 */
export function DrawingPad({ brushSize, tool = 'brush', highlight, highlightLabel, onStrokeEnd, onChange, ref }: DrawingPadProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const strokes = useRef<Stroke[]>([])
  const redoStack = useRef<Action[]>([])
  const background = useRef<Background | null>(null)
  const version = useRef(0)
  const cache = useRef<{ version: number; input: PadInput | null } | null>(null)
  const ctxRef = useRef<CanvasRenderingContext2D | null>(null)

  // Latest callbacks for the pointer handlers and the imperative handle.
  const callbacks = useRef({ onStrokeEnd, onChange })
  useLayoutEffect(() => {
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

  const pointer = usePointerStrokes({
    canvasRef,
    context,
    brushSize,
    tool,
    onStroke: (stroke) => {
      strokes.current.push(stroke)
      redoStack.current = []
      callbacks.current.onStrokeEnd?.(performance.now())
      changed()
    },
  })

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
        background.current = await loadBackground(blob, preprocess, source)
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
        {...pointer}
        onContextMenu={(event) => event.preventDefault()}
      />
      {highlight && <CropBox box={highlight} label={highlightLabel} />}
    </div>
  )
}
