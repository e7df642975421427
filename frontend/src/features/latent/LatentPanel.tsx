import { useMemo, useState } from 'react'
import { api, type Example } from '../../api'
import { ErrorAlert } from '../../components/ErrorAlert'
import { LatentHeatmap } from './LatentHeatmap'
import { LatentMap, MAP_SIZE } from './LatentMap'
import { mapBounds, nearestPoint, type Point } from './math'
import { MorphStrip } from './MorphStrip'
import { SpriteCell } from './SpriteCell'
import type { LatentExplorer } from './useLatentExplorer'
import { useSprite } from './useSprite'
import { plural, voteSentence } from './words'
import './latent.css'

interface LatentPanelProps {
  explorer: LatentExplorer
  /** the chosen model's gallery (morph targets) */
  examples: Example[] | null
  /** the input or the options changed since the latent view was made */
  stale: boolean
  /** "digit", "clothing item" */
  subject: string
  /** "Your drawing", "The example" */
  inputName: string
  /** the model was trained on your own images (its card has a `data` entry) */
  own?: boolean
}

/**
 * The latent explorer: the map (hover or drag for the nearest test image, click or tap to decode a
 * spot), where the image sits and its nearest neighbours, a morph, and the code against the dataset.
 */
export function LatentPanel({ explorer, examples, stale, subject, inputName, own = false }: LatentPanelProps) {
  const { map, encoded, choice, canDecode, spot } = explorer
  const [hoveredState, setHovered] = useState<{ map: unknown; index: number }>({ map: null, index: -1 })
  const hovered = hoveredState.map === map ? hoveredState.index : -1
  const sprite = useSprite(map?.sprite ? api.spriteUrl(explorer.latentModel) : null)

  const current = encoded && !explorer.encodedStale ? encoded : null
  const isStale = !!encoded && (stale || explorer.encodedStale)
  const badge = explorer.encoding && encoded ? 'Updating…' : isStale ? 'Out of date' : null
  const neighbours = useMemo(() => current?.neighbours?.map((n) => n.point), [current])

  const nearestClass = useMemo(() => {
    const bounds = map ? mapBounds(map.points) : null
    return (p: Point): string | null => {
      if (!map || !bounds) return null
      const index = nearestPoint(map.points, p, { scaleX: MAP_SIZE / (bounds.x1 - bounds.x0), scaleY: MAP_SIZE / (bounds.y1 - bounds.y0) })
      return index >= 0 ? (map.class_names[map.points[index][2]] ?? null) : null
    }
  }, [map])

  const hoveredPoint = map && hovered >= 0 ? map.points[hovered] : null
  const hoveredClass = hoveredPoint ? (map?.class_names[hoveredPoint[2]] ?? String(hoveredPoint[2])) : null
  const testIndex = hovered >= 0 ? map?.test_index?.[hovered] : undefined
  const startName = inputName.charAt(0).toLowerCase() + inputName.slice(1)
  const decodedBy = spot?.answeredBy ? `${spot.answeredBy.name} v${spot.answeredBy.version}` : `${choice.name}${choice.version ? ` v${choice.version}` : ''}`

  return (
    <section className="panel latent" aria-labelledby="latent-title">
      <h2 id="latent-title">
        Latent space {badge && <span className="stale-badge">{badge}</span>}
      </h2>
      {choice.note && (
        <p className="latent__note" data-testid="latent-model-note">
          {choice.note}
        </p>
      )}
      {current?.vote && (
        <p className={`latent__vote${isStale ? ' is-stale-text' : ''}`} data-testid="latent-vote">
          {voteSentence(inputName, current.vote, current.neighbours, subject)}
        </p>
      )}
      {explorer.encodeError && (
        <p className="muted">The latent view could not place this image: {explorer.encodeError.message}</p>
      )}
      <div className="latent__explorer">
        <LatentMap
          map={map}
          loading={explorer.mapLoading}
          error={explorer.mapError}
          point={current?.projection ?? null}
          neighbours={neighbours}
          hovered={hovered}
          onHover={(index) => setHovered({ map, index })}
          spot={spot?.point ?? null}
          onPick={explorer.decodePoint}
          canDecode={canDecode}
          subject={subject}
          own={own}
        />
        <div className="latent__side">
          <div className="latent__preview">
            <h3 className="latent__subtitle">Nearest test {subject}</h3>
            <div className="latent__row">
              <SpriteCell
                sprite={sprite.image}
                info={map?.sprite}
                index={hoveredPoint ? hovered : -1}
                label={hoveredClass ? `Test ${subject} labelled ${hoveredClass}` : `No test ${subject} chosen`}
              />
              <p className="muted" aria-live="polite" data-testid="latent-preview">
                {hoveredClass
                  ? `Labelled ${hoveredClass}${testIndex !== undefined ? `, test image #${testIndex}` : ''}.`
                  : map
                    ? 'Point at the map, or touch and drag, to see the nearest test image.'
                    : ''}
                {hoveredClass && sprite.error && ' (The picture could not be loaded.)'}
              </p>
            </div>
          </div>
          <div className="latent__decoded">
            <h3 className="latent__subtitle">Decoded</h3>
            {spot?.result ? (
              <figure className={`latent__row latent__decoded-figure${spot.busy ? ' is-stale' : ''}`}>
                <img className="pixelated" src={spot.result.image} width={28} height={28} alt="Decoded image, 28 by 28 pixels" />
                <figcaption className="muted" data-testid="decoded-caption">
                  What the model {decodedBy} draws at this spot
                  {spot.resultPoint && nearestClass(spot.resultPoint) ? ` (among the ${plural(nearestClass(spot.resultPoint)!)} on the map)` : ''}.
                  {spot.busy && (
                    <span className="latent__busy">
                      <span className="spinner" aria-hidden="true" /> Drawing…
                    </span>
                  )}
                </figcaption>
              </figure>
            ) : (
              <div className="latent__row">
                <div className="latent-cell latent-cell--empty" aria-hidden="true" />
                <p className="muted">
                  {spot?.busy
                    ? 'Drawing…'
                    : canDecode
                      ? `Click or tap anywhere on the map to see what ${decodedBy} draws there.`
                      : `Decoding is off: ${choice.name} cannot draw from a code.`}
                </p>
              </div>
            )}
            {spot?.error && <ErrorAlert error={spot.error} title="Could not decode" />}
          </div>
        </div>
      </div>
      <MorphStrip
        morph={explorer.morph}
        current={explorer.morphCurrent}
        target={explorer.target}
        canDecode={canDecode}
        hasStart={!!current}
        hasSpot={!!spot?.result}
        examples={examples}
        onPickSpot={explorer.morphToPoint}
        onPickExample={explorer.morphToExample}
        startName={startName}
        spotClass={(end) => nearestClass(end.point)}
        error={explorer.exampleError}
        stale={isStale}
        subject={subject}
      />
      <div className={isStale ? 'is-stale' : undefined}>
        <LatentHeatmap latent={encoded?.latent ?? null} mean={map?.mean_latent} std={map?.std_latent} subject={subject} />
      </div>
    </section>
  )
}
