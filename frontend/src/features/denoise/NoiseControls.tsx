import { NOISE_TYPES, type NoiseType } from '../../api'
import type { NoiseMode } from './useNoiseSettings'
import './denoise.css'

const NOISE_LABELS: Record<NoiseType, string> = {
  none: 'None',
  gaussian: 'Gaussian',
  salt_pepper: 'Salt & pepper',
  speckle: 'Speckle',
}

const MODES: [NoiseMode, string][] = [
  ['as-is', 'My image is already noisy (denoise as is)'],
  ['add-noise', 'Add noise (demo)'],
]

interface NoiseControlsProps {
  mode: NoiseMode
  noise: NoiseType
  level: number
  live: boolean
  onModeChange: (mode: NoiseMode) => void
  onNoiseChange: (noise: NoiseType) => void
  onLevelChange: (level: number) => void
  onLiveChange: (live: boolean) => void
}

/**
 * The mode (denoise the image as it is, or add noise to it first: the demo), the demo's noise type and
 * level (0..1), and live mode (results follow every change, or only the Denoise button).
 */
export function NoiseControls({ mode, noise, level, live, onModeChange, onNoiseChange, onLevelChange, onLiveChange }: NoiseControlsProps) {
  const adding = mode === 'add-noise'
  return (
    <section className="panel noise" aria-labelledby="noise-title">
      <fieldset className="controls">
        <legend id="noise-title">Noise</legend>
        <fieldset className="noise-mode">
          <legend className="visually-hidden">What to do with the image</legend>
          {MODES.map(([value, label]) => (
            <label className="check noise-mode__option" key={value}>
              <input type="radio" name="noise-mode" value={value} checked={mode === value} onChange={() => onModeChange(value)} />
              {label}
            </label>
          ))}
        </fieldset>
        <div className="noise-demo">
          <label className="field">
            <span>Noise type</span>
            <select value={noise} disabled={!adding} onChange={(event) => onNoiseChange(event.target.value as NoiseType)}>
              {NOISE_TYPES.map((type) => (
                <option key={type} value={type}>
                  {NOISE_LABELS[type]}
                </option>
              ))}
            </select>
          </label>
          <label className="field field--grow">
            <span>
              Noise level <span className="field__value">{level.toFixed(2)}</span>
            </span>
            <input
              type="range"
              aria-label="Noise level"
              min={0}
              max={1}
              step={0.01}
              value={level}
              disabled={!adding || noise === 'none'}
              onChange={(event) => onLevelChange(Number(event.target.value))}
            />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={live} onChange={(event) => onLiveChange(event.target.checked)} />
          Live update
        </label>
      </fieldset>
    </section>
  )
}
