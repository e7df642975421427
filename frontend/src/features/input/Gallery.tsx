import type { Example } from '../../api'
import { noisyExampleUrl, type NoisyExample } from './noisyExamples'
import './gallery.css'

interface GalleryProps {
  title: string
  examples: Example[] | null
  loading: boolean
  error: string | null
  /** index of the example on the pad, if one is */
  selected: number | null
  onPick: (index: number) => void
  /** files that already carry noise (none for a dataset they do not belong to) */
  noisyExamples?: readonly NoisyExample[]
  /** id of the noisy example on the pad, if one is */
  selectedNoisy?: string | null
  onPickNoisy?: (example: NoisyExample) => void
  /** where the "skip past the examples" link goes */
  skipTo: string
}

function NoisyExamples({ examples, selected, onPick }: { examples: readonly NoisyExample[]; selected: string | null; onPick?: (example: NoisyExample) => void }) {
  return (
    <div className="gallery__noisy">
      <h3 id="noisy-examples-title">Already noisy</h3>
      <p className="muted" id="noisy-examples-help">
        Files that carry their own noise: denoised as they are, nothing added.
      </p>
      <ul className="gallery__files" aria-labelledby="noisy-examples-title" aria-describedby="noisy-examples-help">
        {examples.map((example) => (
          <li key={example.id}>
            <button type="button" className="gallery__file" onClick={() => onPick?.(example)} aria-pressed={selected === example.id}>
              <img src={noisyExampleUrl(example)} alt="" width={56} height={56} loading="lazy" />
              <span>{example.label}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}

/**
 * Real test images from GET /models/<name>/examples, and files that are already noisy (static files
 * beside the app); one click loads one onto the pad.
 */
export function Gallery({ title, examples, loading, error, selected, onPick, noisyExamples = [], selectedNoisy = null, onPickNoisy, skipTo }: GalleryProps) {
  return (
    <section className="panel gallery" aria-labelledby="gallery-title">
      <div className="gallery__head">
        <h2 id="gallery-title">{title}</h2>
        {examples && (
          <a className="skip-link skip-link--inline" href={skipTo}>
            Skip past the examples
          </a>
        )}
      </div>
      {error && <p className="muted">Examples unavailable: {error}</p>}
      {loading && !examples && <p className="muted">Loading examples…</p>}
      {!loading && !examples && !error && <p className="muted">Examples appear once the API is reachable.</p>}
      {examples && (
        <ul className="gallery__grid">
          {examples.map((example, index) => (
            <li key={index}>
              <button
                type="button"
                className="gallery__item"
                onClick={() => onPick(index)}
                aria-label={`Example ${index + 1}: ${example.class_name}`}
                aria-pressed={selected === index}
                title={example.class_name}
              >
                <img src={example.image} alt="" width={28} height={28} className="pixelated" />
              </button>
            </li>
          ))}
        </ul>
      )}
      {noisyExamples.length > 0 && <NoisyExamples examples={noisyExamples} selected={selectedNoisy} onPick={onPickNoisy} />}
    </section>
  )
}
