import { useState } from 'react'
import type { DenoiseResponse } from '../../api'
import { downloadImages, type ImageKind } from './downloads'
import './denoise.css'

/** The optional views of a result: the noise that was added, the error map, the wipe comparison. */
export interface ResultViews {
  noise: boolean
  error: boolean
  wipe: boolean
}

function Wipe({ answer, added }: { answer: DenoiseResponse; added: boolean }) {
  const [position, setPosition] = useState(50)
  const left = added ? 'Noisy' : 'Received'
  return (
    <figure className="wipe">
      <div className="wipe__frame" style={{ ['--wipe' as string]: `${position}%` }}>
        <img src={answer.noisy} alt="" className="pixelated" width={28} height={28} />
        <img src={answer.denoised} alt="" className="pixelated wipe__top" width={28} height={28} />
        <span className="wipe__line" aria-hidden="true" />
      </div>
      <input
        type="range"
        aria-label={`Wipe: ${left.toLowerCase()} on the left, denoised on the right`}
        min={0}
        max={100}
        value={position}
        onChange={(event) => setPosition(Number(event.target.value))}
      />
      <figcaption className="muted">{left} on the left of the line, denoised on the right: drag to compare.</figcaption>
    </figure>
  )
}

interface ResultExtrasProps {
  answer: DenoiseResponse
  /** the server added noise (the demo); otherwise the received image is the input itself */
  added: boolean
  views: ResultViews
  onViewsChange: (views: ResultViews) => void
  /** the uncertainty map is asked for: a request option (useNoiseSettings), not a view of this answer */
  uncertainty?: boolean
  /** absent: no switch for the uncertainty map */
  onUncertaintyChange?: (on: boolean) => void
}

/**
 * The switches for the optional views (and for the uncertainty map, which asks the server again), the
 * wipe comparison, and the 280x280 downloads. Without added
 * noise there is no noise to show: the error map becomes what denoising removed, and the downloads are
 * the received and the denoised image.
 */
export function ResultExtras({ answer, added, views, onViewsChange, uncertainty = false, onUncertaintyChange }: ResultExtrasProps) {
  const switches: [keyof ResultViews, string][] = added
    ? [
        ['noise', 'Show the noise'],
        ['error', 'Show the error map'],
        ['wipe', 'Wipe comparison'],
      ]
    : [
        ['error', 'Show what was removed'],
        ['wipe', 'Wipe comparison'],
      ]
  const downloads: [string, ImageKind[]][] = added
    ? [
        ['original', ['original']],
        ['noisy', ['noisy']],
        ['denoised', ['denoised']],
        ['all three', ['original', 'noisy', 'denoised']],
      ]
    : [
        ['received', ['original']],
        ['denoised', ['denoised']],
        ['both', ['original', 'denoised']],
      ]
  return (
    <>
      <fieldset className="views">
        <legend className="visually-hidden">Extra views</legend>
        {switches.map(([key, label]) => (
          <label className="check" key={key}>
            <input type="checkbox" checked={views[key]} onChange={(event) => onViewsChange({ ...views, [key]: event.target.checked })} />
            {label}
          </label>
        ))}
        {onUncertaintyChange && (
          <>
            <label className="check">
              <input type="checkbox" checked={uncertainty} onChange={(event) => onUncertaintyChange(event.target.checked)} aria-describedby="uncertainty-help" />
              Show the uncertainty map
            </label>
            <span id="uncertainty-help" className="visually-hidden">
              Asks again: the model runs 8 more times on re-noised copies and the map is drawn over the denoised image.
            </span>
          </>
        )}
      </fieldset>
      {views.wipe && <Wipe answer={answer} added={added} />}
      <div className="downloads" role="group" aria-label="Downloads, 280 by 280 pixels">
        <span className="muted">Download 280×280:</span>
        {downloads.map(([label, kinds]) => (
          <button type="button" className="button--small" key={label} onClick={() => void downloadImages(answer, kinds)}>
            <span className="visually-hidden">Download </span>
            {label}
          </button>
        ))}
      </div>
    </>
  )
}
