export { LatentPanel } from './LatentPanel'
export { TypicalityNote } from './TypicalityNote'
export { useLatentExplorer, type LatentExplorer } from './useLatentExplorer'
