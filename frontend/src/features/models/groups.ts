import type { ModelInfo } from '../../api'
import { ownData } from './card'

export interface DatasetGroup {
  dataset: string
  /** the menu's group label: the dataset, "mine (your images)" for a model trained on your own images */
  label: string
  models: ModelInfo[]
}

/** Models grouped by the dataset in their cards (groups and models in the order first seen). */
export function groupByDataset(models: ModelInfo[]): DatasetGroup[] {
  const groups = new Map<string, ModelInfo[]>()
  for (const model of models) {
    const dataset = String(model.metadata.dataset ?? 'other')
    groups.set(dataset, [...(groups.get(dataset) ?? []), model])
  }
  return [...groups].map(([dataset, members]) => ({
    dataset,
    label: members.some((m) => ownData(m.metadata)) ? `${dataset} (your images)` : dataset,
    models: members,
  }))
}
