import { useLayoutEffect, useRef, type PointerEvent as ReactPointerEvent, type RefObject } from 'react'
import { PAD_SIZE, type Tool } from './padTypes'
import { drawStroke, type Point, type Stroke } from './strokes'

interface PointerStrokesOptions {
  canvasRef: RefObject<HTMLCanvasElement | null>
  /** the pad's 2D context (created on first use) */
  context: () => CanvasRenderingContext2D | null
  brushSize: number
  tool: Tool
  /** a stroke is finished (pointer up or cancel) */
  onStroke: (stroke: Stroke) => void
}

/**
 * Drawing with the pointer: a stroke starts on pointer down (the main mouse button, a finger or a pen;
 * a second finger while drawing is ignored), grows with every move (coalesced events included) and is
 * drawn as it grows, and ends on pointer up or cancel. Returns the canvas's pointer handlers.
 */
export function usePointerStrokes({ canvasRef, context, brushSize, tool, onStroke }: PointerStrokesOptions) {
  const current = useRef<{ id: number; stroke: Stroke } | null>(null)
  // Latest props for the handlers.
  const brush = useRef({ size: brushSize, erase: tool === 'eraser' })
  const finished = useRef(onStroke)
  useLayoutEffect(() => {
    brush.current = { size: brushSize, erase: tool === 'eraser' }
    finished.current = onStroke
  })

  const toPad = (event: ReactPointerEvent<HTMLCanvasElement> | PointerEvent): Point => {
    const canvas = canvasRef.current!
    const rect = canvas.getBoundingClientRect()
    const sx = rect.width > 0 ? PAD_SIZE / rect.width : 1
    const sy = rect.height > 0 ? PAD_SIZE / rect.height : 1
    return [(event.clientX - rect.left) * sx, (event.clientY - rect.top) * sy]
  }

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return
    if (current.current) return // a second finger while drawing
    event.preventDefault()
    event.currentTarget.setPointerCapture?.(event.pointerId)
    const stroke: Stroke = { size: brush.current.size, erase: brush.current.erase, points: [toPad(event)] }
    current.current = { id: event.pointerId, stroke }
    const ctx = context()
    if (ctx) drawStroke(ctx, stroke)
  }

  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const active = current.current
    if (!active || active.id !== event.pointerId) return
    const native = event.nativeEvent
    const events = typeof native.getCoalescedEvents === 'function' ? native.getCoalescedEvents() : []
    const from = active.stroke.points.length
    for (const e of events.length > 0 ? events : [native]) active.stroke.points.push(toPad(e))
    const ctx = context()
    if (ctx) drawStroke(ctx, active.stroke, from)
  }

  const finish = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const active = current.current
    if (!active || active.id !== event.pointerId) return
    current.current = null
    finished.current(active.stroke)
  }

  return { onPointerDown, onPointerMove, onPointerUp: finish, onPointerCancel: finish }
}
