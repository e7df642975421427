import type { DenoiseResponse, ImageMetrics } from '../api'

interface ResultsProps {
  result: DenoiseResponse | null
  busy: boolean
  onDenoisedShown?: () => void
}

function fmt(value: number | undefined, digits: number, unit = ''): string {
  return value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)}${unit}`
}

function Metrics({ metrics }: { metrics: ImageMetrics | undefined }) {
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
    </dl>
  )
}

interface PanelProps {
  title: string
  src: string | undefined
  file: string
  metrics?: ImageMetrics
  showMetrics: boolean
  onLoad?: () => void
}

function Panel({ title, src, file, metrics, showMetrics, onLoad }: PanelProps) {
  return (
    <figure className="result">
      <figcaption>{title}</figcaption>
      <div className="result__frame">
        {src ? (
          <img src={src} alt={`${title} image, 28 by 28 pixels`} width={28} height={28} className="pixelated" onLoad={onLoad} />
        ) : (
          <div className="result__empty" aria-hidden="true" />
        )}
      </div>
      {showMetrics ? <Metrics metrics={metrics} /> : <p className="metrics muted">28×28 model input</p>}
      {src ? (
        <a className="button button--small" href={src} download={file}>
          Download {title.toLowerCase()}
        </a>
      ) : (
        <span className="button button--small button--disabled" aria-disabled="true">
          Download {title.toLowerCase()}
        </span>
      )}
    </figure>
  )
}

/** Original (as the model sees it), noisy and denoised side by side, with metrics and downloads. */
export function Results({ result, busy, onDenoisedShown }: ResultsProps) {
  const metrics = result?.metrics ?? null
  return (
    <section className="results" aria-labelledby="results-title" aria-busy={busy}>
      <div className="results__head">
        <h2 id="results-title">Results</h2>
        <p className="muted results__timing" aria-live="polite">
          {busy && <span className="spinner" aria-label="Working" />}
          {result && (
            <>
              Server time <strong data-testid="server-time">{fmt(result.timings_ms.total, 1, ' ms')}</strong>
              {' · '}
              {result.model.name} v{result.model.version}
            </>
          )}
        </p>
      </div>
      <div className="results__grid">
        <Panel title="Original" src={result?.input} file="original.png" showMetrics={false} />
        <Panel title="Noisy" src={result?.noisy} file="noisy.png" metrics={metrics?.noisy} showMetrics />
        <Panel
          title="Denoised"
          src={result?.denoised}
          file="denoised.png"
          metrics={metrics?.denoised}
          showMetrics
          onLoad={onDenoisedShown}
        />
      </div>
      {!result && <p className="muted">Draw a digit, upload an image or pick an example to see it denoised.</p>}
      {result && !metrics && <p className="muted">No noise added, so there is nothing to compare against.</p>}
    </section>
  )
}
