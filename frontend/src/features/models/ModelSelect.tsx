import type { ModelInfo } from '../../api'

interface ModelSelectProps {
  models: ModelInfo[] | null
  model: string
  onChange: (name: string) => void
}

/** The Model menu (GET /models). */
export function ModelSelect({ models, model, onChange }: ModelSelectProps) {
  return (
    <label className="field field--inline">
      <span className="model-select__label">Model</span>
      <select value={model} onChange={(event) => onChange(event.target.value)}>
        {(models ?? [{ name: model, version: 0 }]).map((m) => (
          <option key={m.name} value={m.name}>
            {m.name}
            {m.version ? ` v${m.version}` : ''}
          </option>
        ))}
      </select>
    </label>
  )
}
