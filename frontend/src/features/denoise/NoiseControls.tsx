import { NOISE_TYPES, type NoiseType } from '../../api'

const NOISE_LABELS: Record<NoiseType, string> = {
  none: 'None',
  gaussian: 'Gaussian',
  salt_pepper: 'Salt & pepper',
  speckle: 'Speckle',
}

interface NoiseControlsProps {
  noise: NoiseType
  level: number
  live: boolean
  onNoiseChange: (noise: NoiseType) => void
  onLevelChange: (level: number) => void
  onLiveChange: (live: boolean) => void
}

/** Noise type, level (0..1) and live mode (results follow every change, or only the Denoise button). */
export function NoiseControls({ noise, level, live, onNoiseChange, onLevelChange, onLiveChange }: NoiseControlsProps) {
  return (
    <section className="panel noise" aria-labelledby="noise-title">
      <fieldset className="controls">
        <legend id="noise-title">Noise</legend>
        <label className="field">
          <span>Noise type</span>
          <select value={noise} onChange={(event) => onNoiseChange(event.target.value as NoiseType)}>
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
            disabled={noise === 'none'}
            onChange={(event) => onLevelChange(Number(event.target.value))}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={live} onChange={(event) => onLiveChange(event.target.checked)} />
          Live update
        </label>
      </fieldset>
    </section>
  )
}
