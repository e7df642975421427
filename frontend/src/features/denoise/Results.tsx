import { useState } from 'react'
import type { DenoiseResponse, ImageMetrics, Read, Uncertainty } from '../../api'
import { ErrorAlert, type UiError } from '../../components/ErrorAlert'
import { InfoTip } from '../../components/InfoTip'
import { ReadsAs } from '../../components/ReadsAs'
import { WarnIcon } from '../../components/WarnIcon'
import { fmt, isIdentical, psnrGain } from '../../lib/format'
import { drawPrompt } from '../../lib/nouns'
import { noReadingNote, readerNote, readingWarning, type ReadingWarning } from '../../lib/reading'
import { describeNoiseChange } from './describe'
import { ResultExtras, type ResultViews } from './ResultExtras'
import { useDiffMaps } from './useDiffMaps'
import './denoise.css'

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
  /** the model was trained on your own images (no classifier reads them) */
  own?: boolean
  /** the uncertainty map is asked for (useNoiseSettings) */
  uncertainty?: boolean
  onUncertaintyChange?: (on: boolean) => void
}

const PSNR_HELP =
  'PSNR (peak signal-to-noise ratio) compares an image with the model’s input, in decibels. Higher is better: above about 20 dB the image looks clean, below 12 dB it is badly damaged.'
const SIGMA_HELP =
  'σ is a blind estimate of the noise’s standard deviation on a 0 to 1 pixel scale, read from the image alone (no clean copy needed): below 0.03 no noise is visible, above 0.25 it is heavy.'
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
  /** over the image: the uncertainty map */
  overlay?: React.ReactNode
  children?: React.ReactNode
}

function Panel({ title, alt, src, overlay, children }: PanelProps) {
  return (
    <figure className="result">
      <figcaption>{title}</figcaption>
      <div className="result__frame">
        {src ? <img src={src} alt={alt} width={28} height={28} className="pixelated" /> : <div className="result__empty" aria-hidden="true" />}
        {overlay}
      </div>
      {children}
    </figure>
  )
}

/** Under an image: what the classifier reads it as, "reads as 4, 97%"; marked when denoising changed it. */
function ReadLine({ read, testId, changed = false }: { read: Read | undefined; testId: string; changed?: boolean }) {
  if (!read) return null
  return (
    <p className={`result__reading${changed ? ' result__reading--changed' : ''}`} data-testid={testId}>
      {changed && <WarnIcon />}
      <ReadsAs read={read} />
    </p>
  )
}

/** The warning when denoising changed what the image reads as: an icon, the gist in bold, the detail. */
function ReadingAlert({ warning }: { warning: ReadingWarning }) {
  return (
    <p className="reading-alert" role="alert" data-testid="reading-warning" data-why={warning.why}>
      <WarnIcon />
      <span>
        <span className="visually-hidden">Warning: </span>
        <strong>{warning.lead}</strong> {warning.detail}
      </span>
    </p>
  )
}

/** The uncertainty map over the denoised image: tinted, brighter where the model is less sure. */
function UncertaintyOverlay({ uncertainty }: { uncertainty: Uncertainty }) {
  return (
    <span className="result__overlay">
      <img src={uncertainty.map} alt="Uncertainty map: brighter is less sure" width={28} height={28} className="pixelated" data-testid="uncertainty-map" />
    </span>
  )
}

/** The legend under the results while the uncertainty map is on (or a word while it is computed). */
function UncertaintyLegend({ uncertainty, busy }: { uncertainty: Uncertainty | null | undefined; busy: boolean }) {
  if (!uncertainty) {
    return <p className="muted uncertainty-legend">{busy ? 'Working out where the model is unsure…' : 'No uncertainty map in this answer.'}</p>
  }
  return (
    <p className="muted uncertainty-legend" data-testid="uncertainty-legend">
      <span className="uncertainty-legend__ramp" aria-hidden="true" />
      <span>
        Tinted on the denoised image: where the model is unsure, <strong>brighter = less sure</strong> (its spread over{' '}
        {uncertainty.passes} re-noised passes; mean {fmt(uncertainty.mean, 3)}).
      </span>
    </p>
  )
}

/** The noise estimate before and after denoising, in words, with what σ is. */
function NoiseEstimate({ answer }: { answer: DenoiseResponse }) {
  const line = describeNoiseChange(answer.noise_estimate, answer.denoised_noise_estimate)
  if (!line) return null
  return (
    <p className="noise-estimate">
      <strong>Noise estimate</strong> <InfoTip term="the noise estimate σ">{SIGMA_HELP}</InfoTip>{' '}
      <span data-testid="noise-estimate">
        {line.split(/(σ \d+\.\d\d)/).map((part, index) => (index % 2 === 1 ? <span className="nowrap" key={index}>{part}</span> : part))}
      </span>
    </p>
  )
}

/**
 * The model's input (what it saw), the noisy and the denoised image side by side with PSNR/SSIM and
 * the gain, what a classifier reads each as (and a warning when denoising changed it), the uncertainty
 * map over the denoised image when asked for, and the noise estimate before and after; without added noise (an image that is already
 * noisy, or the demo with no noise) the received and the denoised image only, and no PSNR: there is no
 * clean reference. Optional views (the noise itself, the error map, a wipe comparison); 280x280
 * downloads. Results that no longer match the input are dimmed and labelled out of date.
 */
export function Results({ answer, busy, staleReason, error, onDismissError, modelSaw, subject, own = false, uncertainty = false, onUncertaintyChange }: ResultsProps) {
  const [views, setViews] = useState<ResultViews>({ noise: false, error: false, wipe: false })
  const metrics = answer?.metrics ?? null
  // noise was added server-side (the demo): the images can be scored against the input
  const added = !answer || (metrics !== null && !isIdentical(metrics.noisy))
  const maps = useDiffMaps(answer, (added && views.noise) || views.error)
  const gain = psnrGain(metrics?.noisy, metrics?.denoised)
  const stale = !!answer && staleReason !== null
  const reading = answer?.reading ?? null
  const warning = readingWarning(reading, { subject, added })
  const map = uncertainty ? answer?.uncertainty : null
  const overlay = map ? <UncertaintyOverlay uncertainty={map} /> : undefined
  const noReading = answer && !reading ? noReadingNote(own, subject) : null

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
        {added ? (
          <div className="results__grid">
            <Panel title="Model input" alt="Original image, 28 by 28 pixels" src={answer?.input}>
              <ReadLine read={reading?.input} testId="reading-input" />
              <p className="metrics muted">what the model saw</p>
            </Panel>
            <Panel title="Noisy" alt="Noisy image, 28 by 28 pixels" src={answer?.noisy}>
              <ReadLine read={reading?.noisy} testId="reading-noisy" />
              {answer && <Metrics metrics={metrics?.noisy} />}
            </Panel>
            <Panel title="Denoised" alt="Denoised image, 28 by 28 pixels" src={answer?.denoised} overlay={overlay}>
              <ReadLine read={reading?.denoised} testId="reading-denoised" changed={!!warning} />
              {answer && metrics && <Metrics metrics={metrics.denoised} gain={gain} />}
            </Panel>
            {views.noise && <Panel title="Noise added" alt="The noise that was added (grey is none)" src={maps?.noise} />}
            {views.error && <Panel title="Error map" alt="Error map: |denoised − input|, black is exact" src={maps?.error} />}
          </div>
        ) : (
          <div className="results__grid">
            <Panel title="Received" alt="Received image, 28 by 28 pixels" src={answer?.input}>
              <ReadLine read={reading?.input} testId="reading-input" />
              <p className="metrics muted">what the model got</p>
            </Panel>
            <Panel title="Denoised" alt="Denoised image, 28 by 28 pixels" src={answer?.denoised} overlay={overlay}>
              <ReadLine read={reading?.denoised} testId="reading-denoised" changed={!!warning} />
              <p className="metrics muted">no clean reference</p>
            </Panel>
            {views.error && <Panel title="Removed" alt="What denoising removed: |denoised − received|, black is unchanged" src={maps?.error} />}
          </div>
        )}
        {!answer && <p className="muted">{drawPrompt(subject)} to see it denoised.</p>}
        {warning && <ReadingAlert warning={warning} />}
        {answer && uncertainty && <UncertaintyLegend uncertainty={map} busy={busy} />}
        {answer && <NoiseEstimate answer={answer} />}
        {answer && !added && (
          <p className="muted metrics-help">
            No noise added: there is no clean reference to score against, so no PSNR is shown. The noise estimate before and
            after denoising is what can honestly be said.
          </p>
        )}
        {answer && added && (
          <p className="muted metrics-help">
            PSNR <InfoTip term="PSNR">{PSNR_HELP}</InfoTip> and SSIM <InfoTip term="SSIM">{SSIM_HELP}</InfoTip> compare each image
            with the model’s input; higher is better.
            {gain && ` Denoising gained ${gain}.`}
          </p>
        )}
        {reading && (
          <p className="muted reading-note" data-testid="reading-note">
            {readerNote(reading)}
          </p>
        )}
        {noReading && (
          <p className="muted reading-note" data-testid="reading-note">
            {noReading}
          </p>
        )}
        {answer && modelSaw && (
          <p className="model-saw" data-testid="model-saw">
            <strong>What the model saw:</strong> {modelSaw}
          </p>
        )}
      </div>
      {answer && (
        <ResultExtras
          answer={answer}
          added={added}
          views={views}
          onViewsChange={setViews}
          uncertainty={uncertainty}
          onUncertaintyChange={onUncertaintyChange}
        />
      )}
    </section>
  )
}
