import type { CompareResult } from '../../api'
import { ReadsAs } from '../../components/ReadsAs'
import { WarnIcon } from '../../components/WarnIcon'
import { fmt, isIdentical } from '../../lib/format'
import { cardWarning } from '../../lib/reading'
import { formatMs } from './words'
import './compare.css'

interface CompareCardProps {
  result: CompareResult
  /** 1-based place in the ranking (null when the list is not a ranking: no noise added, so no score either) */
  rank: number | null
  /** this model is the app's denoiser now */
  active: boolean
  /** make this model the app's denoiser (absent: nothing to choose, e.g. a baseline) */
  onUse?: (name: string) => void
}

/**
 * One method's output with its name, kind, PSNR / SSIM, time and what a classifier reads it as (marked,
 * with an icon and words, when that method changed the class or left it unsure). A model's card is one big target
 * (its "Use" button stretched over it) that makes that model the app's denoiser; a baseline's card is
 * only read; the model in use is outlined and its button says "In use".
 */
export function CompareCard({ result, rank, active, onUse }: CompareCardProps) {
  const model = result.kind === 'model' ? result.model : null
  const usable = !!model && !!onUse && !active
  const classes = ['compare-card', `compare-card--${result.kind}`, active ? 'is-active' : '', usable ? 'is-usable' : '']

  const identical = isIdentical(result.metrics)
  const reading = result.reading ?? null
  const warning = cardWarning(reading)
  // without added noise the metrics compare each output with what was sent (maybe noisy itself): no score
  return (
    <li
      className={classes.filter(Boolean).join(' ')}
      data-testid="compare-card"
      data-kind={result.kind}
      data-id={result.id}
      data-changed={warning ? 'true' : undefined}
      aria-current={active || undefined}
    >
      <figure className="compare-card__figure">
        <div className="compare-card__frame">
          <img src={result.denoised} alt={`Output of ${result.method}, 28 by 28 pixels`} width={28} height={28} className="pixelated" />
          {rank !== null && (
            <span className="compare-card__rank">
              <span className="visually-hidden">Rank </span>
              {rank}
            </span>
          )}
        </div>
        <figcaption>
          <span className="compare-card__name">{result.method}</span>
          <span className="compare-card__tags">
            <span className={`tag tag--${result.kind}`}>{result.kind === 'model' ? 'model' : 'classical'}</span>
          </span>
        </figcaption>
        <dl className="metrics compare-card__metrics">
          {rank === null ? (
            <div>
              <dt className="visually-hidden">Score</dt>
              <dd>no clean reference</dd>
            </div>
          ) : identical ? (
            <div>
              <dt className="visually-hidden">Result</dt>
              <dd>identical to the input</dd>
            </div>
          ) : (
            <>
              <div>
                <dt>PSNR</dt>
                <dd data-testid="compare-psnr" data-value={result.metrics.psnr}>
                  {fmt(result.metrics.psnr, 1, ' dB')}
                </dd>
              </div>
              <div>
                <dt>SSIM</dt>
                <dd>{fmt(result.metrics.ssim, 3)}</dd>
              </div>
            </>
          )}
          <div>
            <dt>time</dt>
            <dd>{formatMs(result.ms)}</dd>
          </div>
        </dl>
        {reading && (
          <p className="compare-card__reading" data-testid="compare-reading">
            <ReadsAs read={reading.denoised} />
          </p>
        )}
        {warning && (
          <p className="compare-card__warning" data-testid="compare-warning" data-why={reading?.why ?? undefined}>
            <WarnIcon />
            {warning}
          </p>
        )}
      </figure>
      {model && onUse && (
        // the model in use keeps its (inert) button, so the focus stays put after a click
        <button
          type="button"
          className="button--small compare-card__use"
          aria-disabled={active || undefined}
          onClick={() => {
            if (!active) onUse(model.name)
          }}
        >
          {active ? 'In use' : 'Use'}
          <span className="visually-hidden">{active ? `: ${result.method} is the denoiser` : ` ${result.method} as the denoiser`}</span>
        </button>
      )}
    </li>
  )
}
