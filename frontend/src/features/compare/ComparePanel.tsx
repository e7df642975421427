import { ErrorAlert } from '../../components/ErrorAlert'
import { ReadsAs } from '../../components/ReadsAs'
import { WarnIcon } from '../../components/WarnIcon'
import { fmt, isIdentical } from '../../lib/format'
import { drawPrompt } from '../../lib/nouns'
import { changedSummary } from '../../lib/reading'
import { CompareCard } from './CompareCard'
import type { CompareController } from './useCompare'
import { compareSummary, noised } from './words'
import './compare.css'

interface ComparePanelProps {
  compare: CompareController
  /** there is something to compare (the results show an image) */
  hasInput: boolean
  /** the app's denoiser now; its card is marked (default: the card the server marks `default`) */
  activeModel?: string
  /** make a model the app's denoiser */
  onUseModel: (name: string) => void
  /** why the main results are out of date (the comparison follows them), null when current */
  staleReason?: string | null
  /** "digit", "clothing item" */
  subject: string
}

/**
 * The Compare view: the input, the noisy draw every method was given, and every method's output
 * (served models and classical baselines), best first. Closed, it is one button and sends nothing.
 */
export function ComparePanel({ compare, hasInput, activeModel, onUseModel, staleReason = null, subject }: ComparePanelProps) {
  const { open, shown, busy, error } = compare
  const answer = shown?.answer ?? null
  const reason = compare.staleReason ?? (answer ? staleReason : null)
  const stale = !!answer && reason !== null
  const ranked = !!answer && noised(answer)
  const noisyMetrics = answer?.noise.metrics ?? null
  // every method's reading has the same input and noisy reads: the first one's are the references'
  const refReading = answer?.results.find((r) => r.reading)?.reading ?? null
  const changed = answer ? changedSummary(answer.results.map((r) => r.reading), subject) : null

  return (
    <section className={`panel compare${open ? '' : ' compare--closed'}`} aria-labelledby="compare-title" aria-busy={open && busy} id="compare">
      <div className="compare__head">
        <h2 id="compare-title" tabIndex={-1}>
          Compare methods
        </h2>
        {open && stale && (
          <span className="stale-badge" data-testid="compare-stale">
            {reason}
          </span>
        )}
        {open && busy && <span className="spinner" role="img" aria-label="Comparing" />}
        <button
          type="button"
          className={open ? 'button--small compare__toggle' : 'compare__toggle'}
          aria-expanded={open}
          aria-controls={open ? 'compare-body' : undefined}
          onClick={compare.toggle}
        >
          {open ? 'Hide comparison' : 'Compare all methods'}
        </button>
      </div>
      {!open && <p className="muted compare__intro">Every model and classical baseline on the same noisy {subject}, best first.</p>}
      {open && (
        <div id="compare-body">
          <div className="compare__options">
            <label className="check">
              <input type="checkbox" checked={compare.slow} onChange={(event) => compare.setSlow(event.target.checked)} />
              Include BM3D (slow: about half a second)
            </label>
            {compare.failed && !busy && (
              <button type="button" className="button--small" onClick={compare.retry}>
                Try again
              </button>
            )}
          </div>
          {error && (
            <ErrorAlert error={error} title={error.code === 'network_error' ? 'API unavailable' : 'Could not compare'} onDismiss={compare.clearError} />
          )}
          {!hasInput && (
            <p className="muted">{drawPrompt(subject)}: every method then denoises the same noisy draw.</p>
          )}
          {hasInput && !answer && busy && (
            <p className="muted compare__loading" role="status">
              <span className="spinner" aria-hidden="true" /> Running every method on the noisy {subject}…
            </p>
          )}
          {answer && (
            <div className={`compare__body${stale ? ' is-stale' : ''}`} data-stale={stale || undefined}>
              <div className="compare__top">
                <figure className="compare__ref">
                  <img src={answer.input} alt={`Your ${subject} as every method received it, 28 by 28 pixels`} width={28} height={28} className="pixelated" />
                  <figcaption>
                    Input
                    {refReading && (
                      <span className="compare__ref-metric">
                        <ReadsAs read={refReading.input} />
                      </span>
                    )}
                  </figcaption>
                </figure>
                <figure className="compare__ref">
                  <img src={answer.noisy} alt={`The noisy ${subject} every method was given, 28 by 28 pixels`} width={28} height={28} className="pixelated" />
                  <figcaption>
                    Noisy
                    <span className="compare__ref-metric" data-testid="compare-noisy-psnr">
                      {noisyMetrics && !isIdentical(noisyMetrics) ? `PSNR ${fmt(noisyMetrics.psnr, 1, ' dB')} · SSIM ${fmt(noisyMetrics.ssim, 3)}` : 'no noise added'}
                    </span>
                    {refReading && (
                      <span className="compare__ref-metric">
                        <ReadsAs read={refReading.noisy} />
                      </span>
                    )}
                  </figcaption>
                </figure>
                <div className="compare__summary">
                  <p className="muted" data-testid="compare-summary">
                    {compareSummary(answer, subject)}
                  </p>
                  {changed && (
                    <p className="compare__changed" data-testid="compare-changed">
                      <WarnIcon />
                      {changed}
                    </p>
                  )}
                </div>
              </div>
              <ol className="compare__grid" aria-label={ranked ? 'Methods, best PSNR first' : 'Methods'}>
                {answer.results.map((result, index) => (
                  <CompareCard
                    key={result.id}
                    result={result}
                    rank={ranked ? index + 1 : null}
                    active={activeModel !== undefined ? result.model?.name === activeModel : result.default}
                    onUse={onUseModel}
                  />
                ))}
              </ol>
              <p className="muted compare__foot">
                Server time <strong>{fmt(answer.timings_ms.total, 1, ' ms')}</strong> for all {answer.results.length} methods · {answer.model.name} v
                {answer.model.version} in use
              </p>
            </div>
          )}
        </div>
      )}
    </section>
  )
}
