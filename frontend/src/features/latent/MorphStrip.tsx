import { useState } from 'react'
import type { Example } from '../../api'
import { ErrorAlert, type UiError } from '../../components/ErrorAlert'
import type { MorphTarget } from './useLatentExplorer'
import { MORPH_STEPS, type MorphEnd, type MorphState } from './useMorph'
import { withArticle } from '../../lib/nouns'
import { morphLabel } from './words'
import './latent.css'

interface MorphStripProps {
  morph: MorphState | null
  /** the morph shown is the one wanted now (else it is being replaced, or out of date) */
  current: boolean
  target: MorphTarget | null
  canDecode: boolean
  /** the current image has a code to start from */
  hasStart: boolean
  /** a map spot has been decoded (it can be the end) */
  hasSpot: boolean
  examples: Example[] | null
  onPickSpot: () => void
  onPickExample: (index: number, example: Example) => void
  /** "your drawing" */
  startName: string
  /** the class name of the decoded spot's nearest map point */
  spotClass: (end: Extract<MorphEnd, { kind: 'point' }>) => string | null
  error: UiError | null
  stale: boolean
  subject: string
}

/** The morph: MORPH_STEPS decoded codes from the current image's to a map spot's or an example's. */
export function MorphStrip(props: MorphStripProps) {
  const { morph, current, target, canDecode, hasStart, hasSpot, examples, onPickSpot, onPickExample, startName, spotClass, error, stale, subject } = props
  const [step, setStep] = useState(MORPH_STEPS)
  const images = morph?.images ?? null
  const shownStep = Math.min(step, images?.length ?? MORPH_STEPS)
  const exampleValue = target?.kind === 'example' ? String(target.index) : ''

  let hint: string | null = null
  if (!canDecode) hint = 'Morphing needs a model that can draw from a code (see above).'
  else if (!hasStart) hint = `Draw ${withArticle(subject)} or pick an example first: the morph starts from its code.`
  else if (!target) hint = `Click the map, or choose an example, to morph ${startName} into it.`
  else if (target.kind === 'example' && !morph) hint = 'Encoding the example…'

  return (
    <section className={`morph${stale || (morph && !current) ? ' is-stale' : ''}`} aria-labelledby="morph-title">
      <h3 id="morph-title" className="latent__subtitle">
        Morph
      </h3>
      {canDecode && (
        <div className="morph__targets" role="group" aria-label="Morph to">
          <button type="button" className="button--small" aria-pressed={target?.kind === 'point'} disabled={!hasSpot} onClick={onPickSpot}>
            The clicked spot
          </button>
          <label className="field field--inline morph__example">
            <span>or an example</span>
            <select
              value={exampleValue}
              disabled={!examples || examples.length === 0}
              onChange={(event) => {
                const index = Number(event.target.value)
                const example = examples?.[index]
                if (event.target.value !== '' && example) onPickExample(index, example)
              }}
            >
              <option value="">Choose…</option>
              {(examples ?? []).map((example, index) => (
                <option key={index} value={index}>
                  Example {index + 1}: {example.class_name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {hint && <p className="muted">{hint}</p>}
      {error && <ErrorAlert error={error} title="Could not morph" />}
      {morph && (
        <>
          <p className="morph__label" data-testid="morph-label">
            {morphLabel(startName, morph.to, morph.to.kind === 'point' ? spotClass(morph.to) : null)}
            {morph.busy && <span className="spinner" aria-label="Drawing the morph" />}
          </p>
          {morph.error && <ErrorAlert error={morph.error} title="Could not morph" />}
          {images && (
            <div className="morph__body">
              <ol className="morph__strip" aria-label={`Morph in ${images.length} steps`}>
                {images.map((src, i) => (
                  <li key={i} className={i + 1 === shownStep ? 'is-current' : undefined}>
                    <img
                      className="pixelated"
                      src={src}
                      width={28}
                      height={28}
                      alt={`Step ${i + 1} of ${images.length}`}
                      onClick={() => setStep(i + 1)}
                    />
                  </li>
                ))}
              </ol>
              <div className="morph__step">
                <img className="pixelated" src={images[shownStep - 1]} width={28} height={28} alt={`Step ${shownStep} of ${images.length}, enlarged`} />
                <label className="field">
                  <span>
                    Step <span className="field__value">{shownStep} of {images.length}</span>
                  </span>
                  <input
                    type="range"
                    min={1}
                    max={images.length}
                    step={1}
                    value={shownStep}
                    aria-label="Morph step"
                    aria-valuetext={`Step ${shownStep} of ${images.length}`}
                    onChange={(event) => setStep(Number(event.target.value))}
                  />
                </label>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  )
}
