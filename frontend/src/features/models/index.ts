export { modelCopy, type ModelCopy } from './copy'
export { ModelSelect } from './ModelSelect'
export { useModelAssets } from './useModelAssets'
export { useModels } from './useModels'
