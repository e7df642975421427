export { LatentPanel } from './LatentPanel'
export { useLatent } from './useLatent'
