import type { Example } from '../../api'

interface GalleryProps {
  title: string
  examples: Example[] | null
  loading: boolean
  error: string | null
  /** index of the example on the pad, if one is */
  selected: number | null
  onPick: (index: number) => void
  /** where the "skip past the examples" link goes */
  skipTo: string
}

/** Real test images from GET /models/<name>/examples; one click loads one onto the pad. */
export function Gallery({ title, examples, loading, error, selected, onPick, skipTo }: GalleryProps) {
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
    </section>
  )
}
