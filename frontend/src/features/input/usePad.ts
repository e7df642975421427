import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { Example, Preprocess } from '../../api'
import type { UiError } from '../../components/ErrorAlert'
import { dataUrlToBlob } from '../../lib/image'
import type { DrawingPadHandle, ImageSource, PadState, Tool } from './padTypes'
import { fetchNoisyExample, type NoisyExample } from './noisyExamples'

const UNREADABLE: UiError = { code: 'invalid_image', message: 'That file could not be read as an image (try PNG, JPEG, GIF, BMP or WebP).' }
const EXAMPLE_UNAVAILABLE: UiError = { code: 'example_unavailable', message: 'That example could not be loaded from the server. Try again.' }

/** The gallery item on the pad: a dataset example (by index) or a noisy example file (by id). */
type Selection = { kind: 'example'; index: number } | { kind: 'noisy-example'; id: string }

/**
 * The input's state: the pad (strokes, undo/redo, eraser, brush), uploads (file picker, drop, paste;
 * big images are downscaled before they are sent), the chosen example (a dataset example or a noisy
 * example file), and the input's own errors. `padState.source` says where the content comes from.
 * Keyboard: Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z and Ctrl+Y redo (not while a form field has the focus).
 * Uploads are preprocessed as `uploadPreprocess` says: the model's own (`resize` for a model trained on
 * small images of your own), `mnist` otherwise.
 */
export function usePad(uploadPreprocess: Preprocess = 'mnist') {
  const pad = useRef<DrawingPadHandle>(null)
  const [padState, setPadState] = useState<PadState>({ strokes: 0, hasBackground: false, canRedo: false, version: 0, source: null })
  const [brushSize, setBrushSize] = useState(22)
  const [tool, setTool] = useState<Tool>('brush')
  const [error, setError] = useState<UiError | null>(null)
  const [selected, setSelected] = useState<Selection | null>(null)
  const loading = useRef(0)
  const strokeEnd = useRef<number | undefined>(undefined)

  const onChange = useCallback((state: PadState) => {
    setPadState(state)
    setError(null)
  }, [])

  const onStrokeEnd = useCallback((at: number) => {
    strokeEnd.current = at
    setSelected(null)
  }, [])

  const undo = useCallback(() => pad.current?.undo(), [])
  const redo = useCallback(() => pad.current?.redo(), [])
  const clear = useCallback(() => {
    pad.current?.clear()
    setSelected(null)
  }, [])

  const loadBlob = useCallback(async (blob: Blob | Promise<Blob>, preprocess: Preprocess, source: ImageSource, selection: Selection | null) => {
    const id = ++loading.current
    let image: Blob
    try {
      image = await blob
    } catch {
      if (id === loading.current) setError(EXAMPLE_UNAVAILABLE)
      return
    }
    if (id !== loading.current) return // a newer load started while this file was fetched
    try {
      await pad.current?.loadImage(image, preprocess, source)
    } catch {
      if (id === loading.current) setError(UNREADABLE)
      return
    }
    if (id === loading.current) setSelected(selection)
  }, [])

  const loadFile = useCallback(
    (file: File | null | undefined) => {
      if (!file) return
      if (file.type && !file.type.startsWith('image/')) {
        setError({ code: 'unsupported_media_type', message: `“${file.name}” is not an image (PNG, JPEG, GIF, BMP or WebP).` })
        return
      }
      void loadBlob(file, uploadPreprocess, 'upload', null)
    },
    [loadBlob, uploadPreprocess],
  )

  /** Gallery examples are MNIST-shaped already: the server only resizes them. */
  const loadExample = useCallback(
    (example: Example, index: number) => void loadBlob(dataUrlToBlob(example.image), 'resize', 'example', { kind: 'example', index }),
    [loadBlob],
  )

  /** A noisy example file goes the way an upload goes (the server's full preprocessing). */
  const loadNoisyExample = useCallback(
    (example: NoisyExample) => void loadBlob(fetchNoisyExample(example), 'mnist', 'noisy-example', { kind: 'noisy-example', id: example.id }),
    [loadBlob],
  )

  /** performance.now() at the end of the last stroke, once (for the stroke-to-image measure). */
  const takeStrokeEnd = useCallback(() => {
    const at = strokeEnd.current
    strokeEnd.current = undefined
    return at
  }, [])

  const getInput = useCallback(async () => (await pad.current?.getInput()) ?? null, [])

  // Paste an image anywhere; undo/redo shortcuts.
  const handlers = useRef({ loadFile, undo, redo })
  useLayoutEffect(() => {
    handlers.current = { loadFile, undo, redo }
  })
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'))
      if (file) {
        event.preventDefault()
        handlers.current.loadFile(file)
      }
    }
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return
      if (!(event.ctrlKey || event.metaKey)) return
      const key = event.key.toLowerCase()
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault()
        handlers.current.undo()
      } else if ((key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey)) {
        event.preventDefault()
        handlers.current.redo()
      }
    }
    window.addEventListener('paste', onPaste)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('paste', onPaste)
      window.removeEventListener('keydown', onKey)
    }
  }, [])

  const empty = padState.strokes === 0 && !padState.hasBackground
  const selectedExample = selected?.kind === 'example' ? selected.index : null
  const selectedNoisyExample = selected?.kind === 'noisy-example' ? selected.id : null
  return {
    pad,
    padState,
    empty,
    brushSize,
    setBrushSize,
    tool,
    setTool,
    error,
    setError,
    selectedExample,
    selectedNoisyExample,
    onChange,
    onStrokeEnd,
    undo,
    redo,
    clear,
    loadFile,
    loadExample,
    loadNoisyExample,
    getInput,
    takeStrokeEnd,
  }
}

export type PadController = ReturnType<typeof usePad>
