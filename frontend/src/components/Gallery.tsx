import type { Example } from '../api'

interface GalleryProps {
  examples: Example[] | null
  loading: boolean
  error: string | null
  onPick: (example: Example) => void
}

/** Real test images from GET /models/<name>/examples; one click loads one onto the pad. */
export function Gallery({ examples, loading, error, onPick }: GalleryProps) {
  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <h2 id="gallery-title">Examples</h2>
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
                onClick={() => onPick(example)}
                aria-label={`Example ${index + 1}: ${example.class_name}`}
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
