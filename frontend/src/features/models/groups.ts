import type { ModelInfo } from '../../api'

export interface DatasetGroup {
  dataset: string
  models: ModelInfo[]
}

/** Models grouped by the dataset in their cards (groups and models in the order first seen). */
export function groupByDataset(models: ModelInfo[]): DatasetGroup[] {
  const groups = new Map<string, ModelInfo[]>()
  for (const model of models) {
    const dataset = String(model.metadata.dataset ?? 'other')
    groups.set(dataset, [...(groups.get(dataset) ?? []), model])
  }
  return [...groups].map(([dataset, members]) => ({ dataset, models: members }))
}
