export { PAD_SIZE, type PadBox, type PadInput, type Placement } from './DrawingPad'
export { Gallery } from './Gallery'
export { InputPanel } from './InputPanel'
export { usePad, type PadController } from './usePad'
