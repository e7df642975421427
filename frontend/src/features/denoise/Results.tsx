import { useState } from 'react'
import type { DenoiseResponse, ImageMetrics } from '../../api'
import { ErrorAlert, type UiError } from '../../components/ErrorAlert'
import { InfoTip } from '../../components/InfoTip'
import { fmt, isIdentical, psnrGain } from '../../lib/format'
import { downloadImages, type ImageKind } from './downloads'
import { useDiffMaps } from './useDiffMaps'

interface ResultsProps {
  answer: DenoiseResponse | null
  busy: boolean
  /** why the results shown no longer match the input or options (null: they are current) */
  staleReason: string | null
  error: UiError | null
  onDismissError?: () => void
  /** plain-language line about what preprocessing did (from the server's report) */
  modelSaw: string | null
  /** "digit", "clothing item" */
  subject: string
}

const PSNR_HELP =
  'PSNR (peak signal-to-noise ratio) compares an image with the model’s input, in decibels. Higher is better: above about 20 dB the image looks clean, below 12 dB it is badly damaged.'
const SSIM_HELP =
  'SSIM (structural similarity) compares the shapes in an image with the model’s input, from 0 to 1. Higher is better: above 0.8 it looks like the same drawing, 1 means identical.'

function Metrics({ metrics, gain }: { metrics: ImageMetrics | undefined; gain?: string | null }) {
  if (metrics && isIdentical(metrics)) return <p className="metrics">identical to the input</p>
  return (
    <dl className="metrics">
      <div>
        <dt>PSNR</dt>
        <dd>{fmt(metrics?.psnr, 1, ' dB')}</dd>
      </div>
      <div>
        <dt>SSIM</dt>
        <dd>{fmt(metrics?.ssim, 3)}</dd>
      </div>
      {gain && (
        <div className="metrics__gain">
          <dt>gain</dt>
          <dd data-testid="psnr-gain">{gain}</dd>
        </div>
      )}
    </dl>
  )
}

interface PanelProps {
  title: string
  alt: string
  src: string | undefined
  children?: React.ReactNode
}

function Panel({ title, alt, src, children }: PanelProps) {
  return (
    <figure className="result">
      <figcaption>{title}</figcaption>
      <div className="result__frame">
        {src ? <img src={src} alt={alt} width={28} height={28} className="pixelated" /> : <div className="result__empty" aria-hidden="true" />}
      </div>
      {children}
    </figure>
  )
}

function Wipe({ answer }: { answer: DenoiseResponse }) {
  const [position, setPosition] = useState(50)
  return (
    <figure className="wipe">
      <div className="wipe__frame" style={{ ['--wipe' as string]: `${position}%` }}>
        <img src={answer.noisy} alt="" className="pixelated" width={28} height={28} />
        <img src={answer.denoised} alt="" className="pixelated wipe__top" width={28} height={28} />
        <span className="wipe__line" aria-hidden="true" />
      </div>
      <input
        type="range"
        aria-label="Wipe: noisy on the left, denoised on the right"
        min={0}
        max={100}
        value={position}
        onChange={(event) => setPosition(Number(event.target.value))}
      />
      <figcaption className="muted">Noisy on the left of the line, denoised on the right: drag to compare.</figcaption>
    </figure>
  )
}

/**
 * The model's input (what it saw), the noisy and the denoised image side by side with PSNR/SSIM and
 * the gain; optional views (the noise itself, the error map, a wipe comparison); 280x280 downloads.
 * Results that no longer match the input are dimmed and labelled out of date.
 */
export function Results({ answer, busy, staleReason, error, onDismissError, modelSaw, subject }: ResultsProps) {
  const [views, setViews] = useState({ noise: false, error: false, wipe: false })
  const maps = useDiffMaps(answer, views.noise || views.error)
  const metrics = answer?.metrics ?? null
  const noNoise = !!answer && (metrics === null || isIdentical(metrics.noisy))
  const gain = psnrGain(metrics?.noisy, metrics?.denoised)
  const stale = !!answer && staleReason !== null
  const download = (kinds: ImageKind[]) => answer && void downloadImages(answer, kinds)

  return (
    <section className="panel results" aria-labelledby="results-title" aria-busy={busy} id="results">
      <div className="results__head">
        <h2 id="results-title" tabIndex={-1}>
          Results
        </h2>
        {stale && (
          <span className="stale-badge" data-testid="stale">
            {staleReason}
          </span>
        )}
        <p className="muted results__timing">
          {busy && <span className="spinner" role="img" aria-label="Working" />}
          {answer && (
            <>
              Server time <strong data-testid="server-time">{fmt(answer.timings_ms.total, 1, ' ms')}</strong>
              {' · '}
              {answer.model.name} v{answer.model.version}
            </>
          )}
        </p>
      </div>
      {error && <ErrorAlert error={error} title={error.code === 'network_error' ? 'API unavailable' : 'Could not denoise'} onDismiss={onDismissError} />}
      <div className={`results__body${stale ? ' is-stale' : ''}`} data-stale={stale || undefined}>
        <div className="results__grid">
          <Panel title="Model input" alt="Original image, 28 by 28 pixels" src={answer?.input}>
            <p className="metrics muted">what the model saw</p>
          </Panel>
          <Panel title="Noisy" alt="Noisy image, 28 by 28 pixels" src={answer?.noisy}>
            {answer && (noNoise ? <p className="metrics">identical to the input</p> : <Metrics metrics={metrics?.noisy} />)}
          </Panel>
          <Panel title="Denoised" alt="Denoised image, 28 by 28 pixels" src={answer?.denoised}>
            {answer && metrics && <Metrics metrics={metrics.denoised} gain={gain} />}
            {answer && !metrics && <p className="metrics muted">nothing to compare</p>}
          </Panel>
          {views.noise && <Panel title="Noise added" alt="The noise that was added (grey is none)" src={maps?.noise} />}
          {views.error && <Panel title="Error map" alt="Error map: |denoised − input|, black is exact" src={maps?.error} />}
        </div>
        {!answer && <p className="muted">Draw a {subject}, upload an image or pick an example to see it denoised.</p>}
        {answer && noNoise && <p className="muted">No noise added: the noisy image is the input itself, so there is nothing to compare.</p>}
        {answer && !noNoise && (
          <p className="muted metrics-help">
            PSNR <InfoTip term="PSNR">{PSNR_HELP}</InfoTip> and SSIM <InfoTip term="SSIM">{SSIM_HELP}</InfoTip> compare each image
            with the model’s input; higher is better.
            {gain && ` Denoising gained ${gain}.`}
          </p>
        )}
        {answer && modelSaw && (
          <p className="model-saw" data-testid="model-saw">
            <strong>What the model saw:</strong> {modelSaw}
          </p>
        )}
      </div>
      {answer && (
        <>
          <fieldset className="views">
            <legend className="visually-hidden">Extra views</legend>
            {(
              [
                ['noise', 'Show the noise'],
                ['error', 'Show the error map'],
                ['wipe', 'Wipe comparison'],
              ] as const
            ).map(([key, label]) => (
              <label className="check" key={key}>
                <input type="checkbox" checked={views[key]} onChange={(event) => setViews((v) => ({ ...v, [key]: event.target.checked }))} />
                {label}
              </label>
            ))}
          </fieldset>
          {views.wipe && <Wipe answer={answer} />}
          <div className="downloads" role="group" aria-label="Downloads, 280 by 280 pixels">
            <span className="muted">Download 280×280:</span>
            <button type="button" className="button--small" onClick={() => download(['original'])}>
              <span className="visually-hidden">Download </span>
              original
            </button>
            <button type="button" className="button--small" onClick={() => download(['noisy'])}>
              <span className="visually-hidden">Download </span>
              noisy
            </button>
            <button type="button" className="button--small" onClick={() => download(['denoised'])}>
              <span className="visually-hidden">Download </span>
              denoised
            </button>
            <button type="button" className="button--small" onClick={() => download(['original', 'noisy', 'denoised'])}>
              <span className="visually-hidden">Download </span>
              all three
            </button>
          </div>
        </>
      )}
    </section>
  )
}
