import { useState, type DragEvent, type ReactNode } from 'react'
import { ErrorAlert, type UiError } from '../../components/ErrorAlert'
import { withArticle } from '../../lib/nouns'
import { DrawingPad } from './DrawingPad'
import type { PadBox } from './padTypes'
import type { PadController } from './usePad'
import './pad.css'

interface InputPanelProps {
  controller: PadController
  /** the pad's hint while it is empty ("Draw a digit here…") */
  hint: string
  subject: string
  /** the primary action (Denoise) and anything else the app puts in the toolbar */
  actions?: ReactNode
  /** an error about the input from elsewhere (the server refused the image) */
  error?: UiError | null
  onDismissError?: () => void
  highlight?: PadBox | null
  /** a line under the pad (what the model saw) */
  footer?: ReactNode
}

/** The drawing pad with its toolbar: undo/redo, eraser, clear, upload (and drop/paste), brush size. */
export function InputPanel({ controller, hint, subject, actions, error, onDismissError, highlight, footer }: InputPanelProps) {
  const { pad, padState, empty, brushSize, setBrushSize, tool, setTool } = controller
  const [dragging, setDragging] = useState(false)
  const shown = controller.error ?? error ?? null

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault()
    setDragging(false)
    const files = Array.from(event.dataTransfer.files)
    controller.loadFile(files.find((f) => f.type.startsWith('image/')) ?? files[0])
  }

  return (
    <section className="panel input" aria-labelledby="input-title" id="input">
      <h2 id="input-title" className="visually-hidden">
        Input
      </h2>
      <div
        className={`pad-wrap${dragging ? ' pad-wrap--drag' : ''}`}
        onDragOver={(event) => {
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <DrawingPad
          ref={pad}
          brushSize={brushSize}
          tool={tool}
          highlight={highlight}
          highlightLabel="The part of the image the model was given"
          onStrokeEnd={controller.onStrokeEnd}
          onChange={controller.onChange}
        />
        {empty && (
          <p className="pad-wrap__hint" aria-hidden="true">
            {hint}
          </p>
        )}
      </div>
      {footer}
      <p id="pad-help" className="visually-hidden">
        Draw {withArticle(subject)} with the mouse, a finger or a pen. Control plus Z undoes the last stroke, Control plus Shift plus Z
        or Control plus Y redoes it. You can also upload, drop or paste an image, or pick an example.
      </p>
      <div className="toolbar">
        {actions}
        <button type="button" onClick={controller.undo} disabled={empty}>
          Undo
        </button>
        <button type="button" onClick={controller.redo} disabled={!padState.canRedo}>
          Redo
        </button>
        <button type="button" aria-pressed={tool === 'eraser'} onClick={() => setTool(tool === 'eraser' ? 'brush' : 'eraser')}>
          Eraser
        </button>
        <button type="button" onClick={controller.clear} disabled={empty}>
          Clear
        </button>
        <label className="button file-button">
          Upload image
          <input
            type="file"
            accept="image/png,image/jpeg,image/gif,image/bmp,image/webp"
            className="visually-hidden"
            onChange={(event) => {
              controller.loadFile(event.target.files?.[0])
              event.target.value = ''
            }}
          />
        </label>
      </div>
      {shown && (
        <ErrorAlert
          error={shown}
          title="Input refused"
          onDismiss={() => {
            controller.setError(null)
            onDismissError?.()
          }}
        />
      )}
      <label className="field">
        <span>
          {tool === 'eraser' ? 'Eraser' : 'Brush'} size <span className="field__value">{brushSize}px</span>
        </span>
        <input type="range" aria-label="Brush size" min={6} max={48} step={1} value={brushSize} onChange={(e) => setBrushSize(Number(e.target.value))} />
      </label>
    </section>
  )
}
