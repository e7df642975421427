import type { ModelInfo } from '../../api'
import { groupByDataset } from './groups'
import './models.css'

interface ModelSelectProps {
  models: ModelInfo[] | null
  model: string
  onChange: (name: string) => void
}

/** The Model menu (GET /models): one group per dataset, each option naming its architecture. */
export function ModelSelect({ models, model, onChange }: ModelSelectProps) {
  const groups = groupByDataset(models ?? [{ name: model, version: 0, versions: [], metadata: {} }])
  const option = (m: ModelInfo) => (
    <option key={m.name} value={m.name}>
      {m.name}
      {m.version ? ` v${m.version}` : ''}
      {m.metadata.arch ? ` · ${m.metadata.arch}` : ''}
    </option>
  )
  return (
    <label className="field field--inline">
      <span className="model-select__label visually-hidden-on-phones">Model</span>
      <select value={model} onChange={(event) => onChange(event.target.value)}>
        {groups.length === 1
          ? groups[0].models.map(option)
          : groups.map((group) => (
              <optgroup key={group.dataset} label={group.label}>
                {group.models.map(option)}
              </optgroup>
            ))}
      </select>
    </label>
  )
}
