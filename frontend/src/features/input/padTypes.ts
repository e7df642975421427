import type { Preprocess } from '../../api'

/** Side of the pad's bitmap: ten times MNIST's 28 pixels. */
export const PAD_SIZE = 280

export type Tool = 'brush' | 'eraser'

/** Where the sent image lies on the pad: pad = offset + image pixel * scale. */
export interface Placement {
  x: number
  y: number
  scale: number
}

/**
 * Where the pad's content comes from: strokes (a drawing, also over an image), an upload (file picker,
 * drop, paste), a dataset example, or one of the noisy example files.
 */
export type InputSource = 'drawing' | 'upload' | 'example' | 'noisy-example'
/** Where a loaded image comes from. */
export type ImageSource = Exclude<InputSource, 'drawing'>

/** What the API receives: an image, how the server should preprocess it, and where it lies on the pad. */
export interface PadInput {
  blob: Blob
  preprocess: Preprocess
  placement: Placement
}

export interface PadState {
  strokes: number
  hasBackground: boolean
  canRedo: boolean
  /** bumped on every change of the content */
  version: number
  /** what is on the pad now (null when it is empty) */
  source: InputSource | null
}

/** A box in the pad's own 280x280 coordinates. */
export interface PadBox {
  x: number
  y: number
  width: number
  height: number
}

export interface DrawingPadHandle {
  undo(): void
  redo(): void
  clear(): void
  /** Put an image on the pad (an upload or an example); strokes can then be drawn over it. */
  loadImage(blob: Blob, preprocess: Preprocess, source?: ImageSource): Promise<void>
  /** The pad's content for the API, or null when the pad is blank. */
  getInput(): Promise<PadInput | null>
  isEmpty(): boolean
}
