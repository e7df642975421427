import { NOISE_TYPES, type NoiseType } from '../api'

const LABELS: Record<NoiseType, string> = {
  none: 'None',
  gaussian: 'Gaussian',
  salt_pepper: 'Salt & pepper',
  speckle: 'Speckle',
}

interface NoiseControlsProps {
  noise: NoiseType
  level: number
  onNoiseChange: (noise: NoiseType) => void
  onLevelChange: (level: number) => void
  onReroll: () => void
}

/** Noise type, level (0..1) and a button for a fresh noise seed. */
export function NoiseControls({ noise, level, onNoiseChange, onLevelChange, onReroll }: NoiseControlsProps) {
  return (
    <fieldset className="controls">
      <legend>Noise</legend>
      <label className="field">
        <span>Noise type</span>
        <select value={noise} onChange={(event) => onNoiseChange(event.target.value as NoiseType)}>
          {NOISE_TYPES.map((type) => (
            <option key={type} value={type}>
              {LABELS[type]}
            </option>
          ))}
        </select>
      </label>
      <label className="field field--grow">
        <span>
          Noise level <output>{level.toFixed(2)}</output>
        </span>
        <input
          type="range"
          aria-label="Noise level"
          min={0}
          max={1}
          step={0.01}
          value={level}
          disabled={noise === 'none'}
          onChange={(event) => onLevelChange(Number(event.target.value))}
        />
      </label>
      <button type="button" onClick={onReroll} disabled={noise === 'none'} title="Draw a new random noise seed">
        New noise
      </button>
    </fieldset>
  )
}
