import { useCallback, useEffect, useLayoutEffect, useRef, useState, type DragEvent } from 'react'
import {
  api,
  ApiError,
  NetworkError,
  isAbortError,
  type DenoiseResponse,
  type EncodeResponse,
  type Example,
  type LatentMap as LatentMapData,
  type ModelInfo,
  type NoiseType,
} from './api'
import { ApiStatus } from './components/ApiStatus'
import { DrawingPad, type DrawingPadHandle, type PadState } from './components/DrawingPad'
import { Gallery } from './components/Gallery'
import { LatentHeatmap } from './components/LatentHeatmap'
import { LatentMap } from './components/LatentMap'
import { NoiseControls } from './components/NoiseControls'
import { Results } from './components/Results'
import { useApiStatus, useDebounced, preloadImage } from './lib/hooks'
import { dataUrlToBlob } from './lib/image'

interface UiError {
  code: string
  message: string
}

const BLANK_ERROR: UiError = {
  code: 'blank_image',
  message: 'The pad is blank. Draw a digit, upload an image or pick an example first.',
}

const newSeed = () => Math.floor(Math.random() * 2 ** 31)

function toUiError(error: unknown): UiError {
  if (error instanceof ApiError) return { code: error.code, message: error.message }
  return { code: 'client_error', message: error instanceof Error ? error.message : String(error) }
}

interface RunOptions {
  /** performance.now() at the end of the stroke that triggered this run */
  strokeEnd?: number
  /** the user pressed Denoise: a blank pad is an error, not a no-op */
  explicit?: boolean
}

export default function App() {
  const pad = useRef<DrawingPadHandle>(null)
  const { status, refresh: refreshStatus } = useApiStatus()

  const [models, setModels] = useState<ModelInfo[] | null>(null)
  const [model, setModel] = useState('mnist')
  const [noise, setNoise] = useState<NoiseType>('gaussian')
  const [level, setLevel] = useState(0.5)
  const [seed, setSeed] = useState(newSeed)
  const [brushSize, setBrushSize] = useState(22)
  const [padState, setPadState] = useState<PadState>({ strokes: 0, hasBackground: false })

  const [result, setResult] = useState<DenoiseResponse | null>(null)
  const [encoded, setEncoded] = useState<EncodeResponse | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<UiError | null>(null)
  const [dragging, setDragging] = useState(false)

  const [examples, setExamples] = useState<Record<string, Example[]>>({})
  const [examplesErrors, setExamplesErrors] = useState<Record<string, string>>({})
  const [latentMaps, setLatentMaps] = useState<Record<string, LatentMapData>>({})
  const [latentMapErrors, setLatentMapErrors] = useState<Record<string, string>>({})

  const debouncedLevel = useDebounced(level, 120)
  // The latest settings for run(); updated before the effects below read them.
  const settings = useRef({ model, noise, level: debouncedLevel, seed })
  useLayoutEffect(() => {
    settings.current = { model, noise, level: debouncedLevel, seed }
  }, [model, noise, debouncedLevel, seed])

  const seq = useRef(0)
  const inflight = useRef<AbortController | null>(null)
  const pendingMeasure = useRef<{ seq: number; start: number } | null>(null)
  const shownSeq = useRef(0)

  // --- the models, their examples and latent maps -------------------------------------------
  const ready = status?.ready ?? false
  useEffect(() => {
    if (models) return
    const controller = new AbortController()
    api
      .models(controller.signal)
      .then((answer) => {
        setModels(answer.models)
        setModel((current) => (answer.models.some((m) => m.name === current) ? current : answer.default))
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setModels(null)
      })
    return () => controller.abort()
  }, [models, ready])

  // Examples and latent map of the chosen model (refetched on each switch; small JSON files).
  useEffect(() => {
    if (!models) return
    const controller = new AbortController()
    const failed = (record: typeof setExamplesErrors) => (e: unknown) => {
      if (!isAbortError(e)) record((all) => ({ ...all, [model]: toUiError(e).message }))
    }
    api
      .examples(model, controller.signal)
      .then((answer) => setExamples((all) => ({ ...all, [model]: answer.examples })))
      .catch(failed(setExamplesErrors))
    api
      .latentMap(model, controller.signal)
      .then((answer) => setLatentMaps((all) => ({ ...all, [model]: answer })))
      .catch(failed(setLatentMapErrors))
    return () => controller.abort()
  }, [model, models])

  // --- denoise + encode -----------------------------------------------------------------------
  const run = useCallback(
    async ({ strokeEnd, explicit = false }: RunOptions = {}) => {
      // marks of the last run only (for profiling in devtools or the e2e test)
      for (const name of ['denoise:input', 'denoise:response', 'denoise:decoded']) performance.clearMarks(name)
      const input = await pad.current?.getInput()
      performance.mark('denoise:input')
      if (!input) {
        if (explicit) setError(BLANK_ERROR)
        return
      }
      const id = ++seq.current
      inflight.current?.abort()
      const controller = new AbortController()
      inflight.current = controller
      const { model: name, noise: type, level: amount, seed: noiseSeed } = settings.current
      setBusy(true)

      try {
        const answer = await api.denoise(
          input.blob,
          { model: name, noise: type, level: amount, seed: noiseSeed, preprocess: input.preprocess },
          controller.signal,
        )
        performance.mark('denoise:response')
        // The latent view follows the images: asked once the denoised result is in, so the two
        // requests do not compete for the server's worker.
        api
          .encode(input.blob, { model: name, preprocess: input.preprocess }, controller.signal)
          .then((latent) => {
            if (id === seq.current) setEncoded(latent)
          })
          .catch(() => {
            // the latent view is secondary: the denoise call reports errors
          })
        await Promise.all([answer.input, answer.noisy, answer.denoised].map(preloadImage))
        performance.mark('denoise:decoded')
        if (id !== seq.current) return // a newer request superseded this one
        pendingMeasure.current = strokeEnd === undefined ? null : { seq: id, start: strokeEnd }
        shownSeq.current = id
        setResult(answer)
        setError(null)
      } catch (e) {
        if (isAbortError(e) || id !== seq.current) return
        setError(toUiError(e))
        if (e instanceof NetworkError || (e instanceof ApiError && e.status === 503)) refreshStatus()
      } finally {
        if (id === seq.current) setBusy(false)
      }
    },
    [refreshStatus],
  )

  // Stroke end -> performance measure once the denoised image is on screen.
  useEffect(() => {
    const pending = pendingMeasure.current
    if (!pending || pending.seq !== shownSeq.current) return
    pendingMeasure.current = null
    const frame = requestAnimationFrame(() => {
      performance.measure('stroke-to-image', { start: pending.start, end: performance.now() })
    })
    return () => cancelAnimationFrame(frame)
  }, [result])

  // Settings changed (level debounced): refresh the results for what is on the pad.
  useEffect(() => {
    if (pad.current && !pad.current.isEmpty()) void run()
  }, [model, noise, debouncedLevel, seed, run])

  const resetResults = () => {
    seq.current += 1
    inflight.current?.abort()
    setBusy(false)
    setResult(null)
    setEncoded(null)
    setError(null)
  }

  const onPadChange = useCallback((state: PadState) => setPadState(state), [])

  const undo = useCallback(() => {
    pad.current?.undo()
    if (pad.current?.isEmpty()) resetResults()
    else void run()
  }, [run])

  const clear = () => {
    pad.current?.clear()
    resetResults()
  }

  const loadImage = async (blob: Blob, preprocess: 'mnist' | 'resize') => {
    try {
      await pad.current?.loadImage(blob, preprocess)
    } catch {
      setError({ code: 'invalid_image', message: 'That file could not be read as an image (try PNG, JPEG, GIF, BMP or WebP).' })
      return
    }
    setError(null)
    void run()
  }

  const onFile = (file: File | null | undefined) => {
    if (!file) return
    if (file.type && !file.type.startsWith('image/')) {
      setError({ code: 'unsupported_media_type', message: `“${file.name}” is not an image (PNG, JPEG, GIF, BMP or WebP).` })
      return
    }
    void loadImage(file, 'mnist')
  }

  const onPick = (example: Example) => void loadImage(dataUrlToBlob(example.image), 'resize')

  // Paste an image anywhere; Ctrl/Cmd+Z undoes a stroke unless a form field has the focus.
  const onFileRef = useRef(onFile)
  useLayoutEffect(() => {
    onFileRef.current = onFile
  })
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'))
      if (file) {
        event.preventDefault()
        onFileRef.current(file)
      }
    }
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'z') {
        event.preventDefault()
        undo()
      }
    }
    window.addEventListener('paste', onPaste)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('paste', onPaste)
      window.removeEventListener('keydown', onKey)
    }
  }, [undo])

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault()
    setDragging(false)
    onFile(Array.from(event.dataTransfer.files).find((f) => f.type.startsWith('image/')) ?? event.dataTransfer.files[0])
  }

  const modelInfo = models?.find((m) => m.name === model)
  const empty = padState.strokes === 0 && !padState.hasBackground
  const latentMap = latentMaps[model] ?? null
  const current = encoded && encoded.model.name === model ? encoded : null

  return (
    <div className="app">
      <header className="app__header">
        <div>
          <h1>Digit denoiser</h1>
          <p className="muted">Draw or upload a digit, add noise, and watch the autoencoder clean it up.</p>
        </div>
        <div className="app__header-tools">
          <label className="field field--inline">
            <span>Model</span>
            <select value={model} onChange={(event) => setModel(event.target.value)}>
              {(models ?? [{ name: model, version: 0 }]).map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                  {m.version ? ` v${m.version}` : ''}
                </option>
              ))}
            </select>
          </label>
          <ApiStatus status={status} />
        </div>
      </header>

      {error && (
        <div className="error" role="alert" data-code={error.code}>
          <strong>{error.code === 'network_error' ? 'API unavailable' : 'Could not denoise'}:</strong> {error.message}
          <button type="button" className="button--link" onClick={() => setError(null)} aria-label="Dismiss error">
            ×
          </button>
        </div>
      )}

      <main className="app__main">
        <section className="panel input" aria-labelledby="input-title">
          <h2 id="input-title">Input</h2>
          <div
            className={`pad-wrap${dragging ? ' pad-wrap--drag' : ''}`}
            onDragOver={(event) => {
              event.preventDefault()
              setDragging(true)
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <DrawingPad ref={pad} brushSize={brushSize} onStrokeEnd={(at) => void run({ strokeEnd: at })} onChange={onPadChange} />
            {empty && (
              <p className="pad-wrap__hint" aria-hidden="true">
                Draw here, or drop / paste an image
              </p>
            )}
          </div>
          <p id="pad-help" className="visually-hidden">
            Draw a digit with the mouse, a finger or a pen. Control plus Z undoes the last stroke. You can also upload,
            drop or paste an image, or pick an example below.
          </p>
          <div className="toolbar">
            <button type="button" className="button--primary" onClick={() => void run({ explicit: true })}>
              Denoise
            </button>
            <button type="button" onClick={undo} disabled={empty}>
              Undo
            </button>
            <button type="button" onClick={clear} disabled={empty}>
              Clear
            </button>
            <label className="button file-button">
              Upload image
              <input
                type="file"
                accept="image/png,image/jpeg,image/gif,image/bmp,image/webp"
                className="visually-hidden"
                onChange={(event) => {
                  onFile(event.target.files?.[0])
                  event.target.value = ''
                }}
              />
            </label>
          </div>
          <label className="field">
            <span>
              Brush size <output>{brushSize}px</output>
            </span>
            <input type="range" aria-label="Brush size" min={6} max={48} step={1} value={brushSize} onChange={(e) => setBrushSize(Number(e.target.value))} />
          </label>
          <Gallery
            examples={examples[model] ?? null}
            loading={!examples[model] && models !== null}
            error={examples[model] ? null : (examplesErrors[model] ?? null)}
            onPick={onPick}
          />
        </section>

        <div className="app__right">
          <section className="panel">
            <NoiseControls
              noise={noise}
              level={level}
              onNoiseChange={setNoise}
              onLevelChange={setLevel}
              onReroll={() => setSeed(newSeed())}
            />
            <Results result={result} busy={busy} />
          </section>

          <section className="panel latent" aria-labelledby="latent-title">
            <h2 id="latent-title">Latent space</h2>
            <div className="latent__grid">
              <LatentHeatmap latent={current?.latent ?? null} />
              <LatentMap map={latentMap} point={current?.projection ?? null} error={latentMap ? null : (latentMapErrors[model] ?? null)} />
            </div>
          </section>
        </div>
      </main>

      <footer className="app__footer muted">
        {modelInfo && (
          <span>
            {modelInfo.name} v{modelInfo.version}
            {modelInfo.metadata.arch ? ` · ${String(modelInfo.metadata.arch)}` : ''}
            {typeof modelInfo.metadata.params === 'number' ? ` · ${modelInfo.metadata.params.toLocaleString('en')} parameters` : ''}
            {typeof modelInfo.metadata.latent_dim === 'number' ? ` · latent ${modelInfo.metadata.latent_dim}` : ''}
            {' · '}
          </span>
        )}
        <a href="/docs">API docs</a>
      </footer>
    </div>
  )
}
