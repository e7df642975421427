import { useState } from 'react'
import { NOISE_TYPES, type NoiseType } from './api'
import { inputName, modeFor } from './app/inputSource'
import { useAppCoordination } from './app/useAppCoordination'
import { compareSource, type VersionedInput } from './app/useDenoiseRequests'
import { ThemeToggle } from './components/ThemeToggle'
import { ComparePanel, useCompare } from './features/compare'
import { NoiseControls, Results, useDenoise, useNoiseSettings } from './features/denoise'
import { Gallery, InputPanel, NOISY_EXAMPLES, usePad } from './features/input'
import { LatentPanel, TypicalityNote, useLatentExplorer } from './features/latent'
import { ModelAbout, ModelSelect, modelCopy, ownData, useModelAssets, useModels } from './features/models'
import { ApiStatus, useApiStatus } from './features/status'
import { useTheme } from './lib/theme'
import { readUrlState } from './lib/url'

/**
 * The app layer: each feature owns its state (its hook), useAppCoordination ties them together
 * (requests follow the pad, the URL follows the view), and this component lays them out.
 */
export default function App() {
  const [initial] = useState(readUrlState)
  const { status, ready, refresh } = useApiStatus()
  const { models, model, setModel, info } = useModels(initial.model, ready)
  const assets = useModelAssets(model, models !== null)
  const copy = modelCopy(info)
  const theme = useTheme()
  const pad = usePad(ownData(info)?.preprocess ?? 'mnist')
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
    source: compared ? compareSource(compared.request) : null,
    onUnavailable: refresh,
  })
  const noiseSettings = useNoiseSettings({
    suggestedMode: modeFor(pad.padState.source),
    inputVersion: pad.padState.version,
    initialNoise: NOISE_TYPES.includes(initial.noise as NoiseType) ? (initial.noise as NoiseType) : 'gaussian',
    initialLevel: initial.level ?? 0.5,
    initialUncertainty: initial.uncertainty ?? false,
  })
  const { mode, noise, level } = noiseSettings
  const { live, setLive, onDenoise, selectedExample, pickExample, ...results } = useAppCoordination({
    initial,
    ready,
    model,
    copy,
    examples: assets.examples,
    pad,
    noiseSettings,
    denoise,
    latent,
    compare,
  })
  const { staleReason, highlight, modelSaw, typicality, receivedNoisy, inputError, resultsError } = results
  const shown = denoise.shown

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
        <ModelAbout copy={copy} />
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
            own={copy.own}
            uncertainty={noiseSettings.uncertainty}
            onUncertaintyChange={noiseSettings.setUncertainty}
          />
          <TypicalityNote typicality={shown ? typicality : null} dataset={info?.metadata.dataset} subject={copy.subject} noisy={receivedNoisy} own={copy.own} />
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
          onPick={pickExample}
          noisyExamples={copy.kind === 'digit' ? NOISY_EXAMPLES : []}
          selectedNoisy={pad.selectedNoisyExample}
          onPickNoisy={pad.loadNoisyExample}
          skipTo="#latent-title"
        />
        <LatentPanel
          explorer={latent}
          examples={assets.examples}
          stale={staleReason !== null}
          subject={copy.subject}
          own={copy.own}
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
