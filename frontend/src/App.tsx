import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { NOISE_TYPES, type NoiseType } from './api'
import { ThemeToggle } from './components/ThemeToggle'
import { ComparePanel, useCompare } from './features/compare'
import { NoiseControls, Results, describePreprocess, requestNoise, useDenoise, useNoiseSettings, type NoiseMode } from './features/denoise'
import { Gallery, InputPanel, NOISY_EXAMPLES, usePad, type InputSource, type PadBox, type PadInput } from './features/input'
import { LatentPanel, TypicalityNote, useLatentExplorer } from './features/latent'
import { ModelSelect, modelCopy, useModelAssets, useModels } from './features/models'
import { ApiStatus, useApiStatus } from './features/status'
import { useDebounced } from './lib/hooks'
import { useTheme } from './lib/theme'
import { readUrlState, writeUrlState } from './lib/url'

const newSeed = () => Math.floor(Math.random() * 2 ** 31)

type VersionedInput = PadInput & { version: number }

/** An image someone brings (an upload, a noisy example) is denoised as it is; a drawing gets noise added. */
const modeFor = (source: InputSource | null): NoiseMode => (source === 'upload' || source === 'noisy-example' ? 'as-is' : 'add-noise')

/** The app layer: composes the features and wires them together; each feature owns its state. */
export default function App() {
  const [initial] = useState(readUrlState)
  const { status, ready, refresh } = useApiStatus()
  const { models, model, setModel, info } = useModels(initial.model, ready)
  const assets = useModelAssets(model, models !== null)
  const copy = modelCopy(info)
  const theme = useTheme()
  const pad = usePad()
  // the latent view may use another model than the denoiser (one that can decode, of the same dataset)
  const latent = useLatentExplorer({
    models,
    model,
    enabled: models !== null,
  })
  const denoise = useDenoise<VersionedInput>({
    onSuccess: (request) => latent.encode(request.input.blob, request.input.preprocess),
    onUnavailable: refresh,
  })
  // the Compare view runs POST /compare on the request behind the results shown (same image, options
  // and noise seed), only while it is open
  const compared = denoise.shown
  const compare = useCompare({
    source: compared ? { key: compared.key, input: compared.request.input, options: compared.request.options } : null,
    onUnavailable: refresh,
  })

  const version = pad.padState.version
  const noiseSettings = useNoiseSettings({
    suggestedMode: modeFor(pad.padState.source),
    inputVersion: version,
    initialNoise: NOISE_TYPES.includes(initial.noise as NoiseType) ? (initial.noise as NoiseType) : 'gaussian',
    initialLevel: initial.level ?? 0.5,
  })
  const { mode, noise, level } = noiseSettings
  const [seed, setSeed] = useState(() => initial.seed ?? newSeed())
  const [live, setLive] = useState(true)
  const [trigger, setTrigger] = useState(0)
  const [exampleModel, setExampleModel] = useState<string | null>(initial.example !== undefined ? (initial.model ?? null) : null)
  const debouncedLevel = useDebounced(level, 120)

  // As-is mode, level 0 and "none" are the same request: no noise added, nothing to score against.
  const sent = requestNoise(mode, noise, debouncedLevel)
  const key = `${version}|${model}|${sent.noise === 'none' ? 'none' : `${sent.noise}@${sent.level}`}|${seed}`

  // --- run the model when the input or the options change (live), or when Denoise is pressed -----
  const latest = useRef({ key, model, sent, seed, version, pad, denoise, latent, copy, compare })
  useLayoutEffect(() => {
    latest.current = { key, model, sent, seed, version, pad, denoise, latent, copy, compare }
  })
  const handledTrigger = useRef(0)
  const empty = pad.empty
  useEffect(() => {
    const now = latest.current
    if (empty) {
      now.denoise.reset()
      now.latent.reset()
      return
    }
    const explicit = trigger !== handledTrigger.current
    if (!live && !explicit) return
    handledTrigger.current = trigger
    let cancelled = false
    void now.pad.getInput().then((input) => {
      if (cancelled) return
      if (!input) {
        if (explicit) now.pad.setError(blankError(now.copy.subject))
        return
      }
      void now.denoise.run({
        key: now.key,
        input: { ...input, version: now.version },
        options: { model: now.model, ...now.sent, seed: now.seed },
        strokeEnd: now.pad.takeStrokeEnd(),
      })
    })
    return () => {
      cancelled = true
    }
  }, [key, live, trigger, empty])

  // The API is back (the readiness poll sees it): drop the network error and re-run the last request.
  const wasReady = useRef(ready)
  const unavailable = denoise.error?.unavailable ?? false
  useEffect(() => {
    if (ready && !wasReady.current && unavailable) {
      latest.current.denoise.clearError()
      setTrigger((t) => t + 1)
    }
    wasReady.current = ready
  }, [ready, unavailable])
  // ... and a comparison that failed for the same reason is asked again
  const wasReadyForCompare = useRef(ready)
  const compareUnavailable = compare.unavailable
  useEffect(() => {
    if (ready && !wasReadyForCompare.current && compareUnavailable) latest.current.compare.retry()
    wasReadyForCompare.current = ready
  }, [ready, compareUnavailable])

  const onDenoise = () => {
    if (pad.empty) {
      pad.setError(blankError(copy.subject))
      return
    }
    // Results already current: the button draws a new noise sample (it never looks dead).
    if (denoise.shown?.key === key && !denoise.error) setSeed(newSeed())
    setTrigger((t) => t + 1)
  }

  // --- shareable state in the URL; the example of a shared link is loaded once ---------------------
  const selectedExample = exampleModel === model ? pad.selectedExample : null
  useEffect(() => {
    writeUrlState({ model, noise, level, seed, example: selectedExample ?? undefined })
  }, [model, noise, level, seed, selectedExample])
  const wantedExample = useRef(initial.example)
  const examples = assets.examples
  useEffect(() => {
    const index = wantedExample.current
    if (index === undefined || !examples || !latest.current.pad.empty) return
    wantedExample.current = undefined
    const example = examples[index]
    if (example) {
      setExampleModel(latest.current.model)
      latest.current.pad.loadExample(example, index)
    }
  }, [examples])

  // --- what the results mean now ------------------------------------------------------------------
  const shown = denoise.shown
  let staleReason: string | null = null
  if (shown) {
    if (denoise.error) staleReason = 'Out of date: the last request failed'
    else if (shown.key !== key) staleReason = denoise.busy ? 'Updating…' : live ? 'Out of date' : 'Out of date: press Denoise'
  }
  const first = shown?.answer.results?.[0] ?? shown?.answer
  const crop = first?.crop
  let highlight: PadBox | null = null
  // (a resize-mode crop is the whole image: nothing to point out)
  if (shown && crop && first?.preprocess?.mode !== 'resize' && shown.request.input.version === version && !staleReason) {
    const { x, y, scale } = shown.request.input.placement
    highlight = { x: x + crop[0] * scale, y: y + crop[1] * scale, width: crop[2] * scale, height: crop[3] * scale }
  }
  const modelSaw = describePreprocess(first?.preprocess)
  const typicality = shown?.answer.typicality ?? (latent.encoded && !latent.encodedStale ? latent.encoded.typicality : null)
  // nothing was added and the image the model received carries visible noise of its own
  const receivedNoisy = shown?.answer.noise.type === 'none' && (first?.noise_estimate ?? 0) >= 0.1
  const inputError = denoise.error?.scope === 'input' ? denoise.error : null
  const resultsError = denoise.error && denoise.error.scope !== 'input' ? denoise.error : null

  return (
    <div className="app">
      <a className="skip-link" href="#results-title">
        Skip to the results
      </a>
      <header className="app__header">
        <div className="app__title">
          <h1>{copy.title}</h1>
          <p className="muted app__tagline">{copy.tagline}</p>
        </div>
        <div className="app__header-tools">
          <ModelSelect models={models} model={model} onChange={setModel} />
          <ApiStatus status={status} />
          <ThemeToggle dark={theme.dark} onToggle={theme.toggle} />
        </div>
      </header>

      <main className="app__main">
        <InputPanel
          controller={pad}
          hint={copy.padHint}
          subject={copy.subject}
          error={inputError}
          onDismissError={denoise.clearError}
          highlight={highlight}
          actions={
            <button type="button" className="button--primary" onClick={onDenoise} aria-describedby="denoise-help">
              Denoise
            </button>
          }
          footer={
            <p id="denoise-help" className="muted pad-note">
              {!live
                ? 'Press Denoise to run the model.'
                : mode === 'as-is'
                  ? 'Your image is denoised as it is: no noise is added.'
                  : 'Live: results follow each stroke; Denoise draws a new noise sample.'}
              {highlight && ' The dashed box is what the model was given.'}
            </p>
          }
        />
        <div className="results-stack">
          <Results
            answer={shown?.answer ?? null}
            busy={denoise.busy}
            staleReason={staleReason}
            error={resultsError}
            onDismissError={denoise.clearError}
            modelSaw={modelSaw}
            subject={copy.subject}
          />
          <TypicalityNote typicality={shown ? typicality : null} dataset={info?.metadata.dataset} subject={copy.subject} noisy={receivedNoisy} />
        </div>
        <ComparePanel
          compare={compare}
          hasInput={shown !== null}
          activeModel={model}
          onUseModel={setModel}
          staleReason={staleReason}
          subject={copy.subject}
        />
        <NoiseControls
          mode={mode}
          noise={noise}
          level={level}
          live={live}
          onModeChange={noiseSettings.setMode}
          onNoiseChange={noiseSettings.setNoise}
          onLevelChange={noiseSettings.setLevel}
          onLiveChange={setLive}
        />
        <Gallery
          title={copy.galleryTitle}
          examples={assets.examples}
          loading={assets.examplesLoading}
          error={assets.examplesError}
          selected={selectedExample}
          onPick={(index) => {
            const example = assets.examples?.[index]
            if (!example) return
            setExampleModel(model)
            pad.loadExample(example, index)
          }}
          noisyExamples={copy.subject === 'digit' ? NOISY_EXAMPLES : []}
          selectedNoisy={pad.selectedNoisyExample}
          onPickNoisy={pad.loadNoisyExample}
          skipTo="#latent-title"
        />
        <LatentPanel
          explorer={latent}
          examples={assets.examples}
          stale={staleReason !== null}
          subject={copy.subject}
          inputName={inputName(pad.padState.source)}
        />
      </main>

      <footer className="app__footer muted">
        {info && (
          <span>
            {info.name} v{info.version}
            {info.metadata.arch ? ` · ${String(info.metadata.arch)}` : ''}
            {typeof info.metadata.params === 'number' ? ` · ${info.metadata.params.toLocaleString('en')} parameters` : ''}
            {typeof info.metadata.latent_dim === 'number' ? ` · latent ${info.metadata.latent_dim}` : ''}
            {' · '}
          </span>
        )}
        <a href="/docs" target="_blank" rel="noopener">
          API docs (opens in a new tab)
        </a>
      </footer>
    </div>
  )
}

/** How the latent view names what is on the pad. */
function inputName(source: InputSource | null): string {
  if (source === 'example' || source === 'noisy-example') return 'The example'
  return source === 'upload' ? 'Your image' : 'Your drawing'
}

function blankError(subject: string) {
  return { code: 'blank_image', message: `The pad is blank. Draw a ${subject}, upload an image or pick an example first.` }
}
