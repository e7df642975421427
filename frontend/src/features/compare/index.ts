export { ComparePanel } from './ComparePanel'
export { useCompare, type CompareController, type CompareSource } from './useCompare'
