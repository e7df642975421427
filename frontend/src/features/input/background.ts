import type { Preprocess } from '../../api'
import { fitRect, meanGreyOnWhite, prepareUpload } from '../../lib/image'
import { PAD_SIZE, type ImageSource, type Placement } from './padTypes'

/** An image loaded onto the pad (an upload or an example): as shown, as sent, and where it lies. */
export interface Background {
  canvas: HTMLCanvasElement
  blob: Blob
  preprocess: Preprocess
  placement: Placement
  source: ImageSource
}

/** Whether an image's corner pixel is dark (so the letterbox should be dark too). */
function cornerIsDark(source: CanvasImageSource): boolean {
  const probe = document.createElement('canvas')
  probe.width = 1
  probe.height = 1
  const ctx = probe.getContext('2d', { willReadFrequently: true })
  if (!ctx) return false
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, 1, 1)
  ctx.drawImage(source, 0, 0, 1, 1, 0, 0, 1, 1)
  return meanGreyOnWhite(ctx.getImageData(0, 0, 1, 1).data) < 128
}

/** Render an image dark-on-light onto a white PAD_SIZE canvas, inverting light-on-dark images. */
export function renderBackground(source: CanvasImageSource, width: number, height: number): { canvas: HTMLCanvasElement; placement: Placement } {
  const canvas = document.createElement('canvas')
  canvas.width = PAD_SIZE
  canvas.height = PAD_SIZE
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) throw new Error('Canvas 2D is not available in this browser')
  const box = fitRect(width, height, PAD_SIZE, PAD_SIZE, 0)
  // Small images (28x28 examples) keep crisp pixels; photos are smoothed.
  ctx.imageSmoothingEnabled = box.scale < 3
  ctx.fillStyle = cornerIsDark(source) ? '#000' : '#fff'
  ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE)
  ctx.drawImage(source, box.x, box.y, box.width, box.height)
  const { data } = ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE)
  if (meanGreyOnWhite(data) < 128) {
    ctx.globalCompositeOperation = 'difference'
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE)
    ctx.globalCompositeOperation = 'source-over'
  }
  return { canvas, placement: { x: box.x, y: box.y, scale: box.scale } }
}

/** Decode an image (big ones are downscaled for sending) and render it for the pad. */
export async function loadBackground(blob: Blob, preprocess: Preprocess, source: ImageSource): Promise<Background> {
  const upload = await prepareUpload(blob)
  const { canvas, placement } = renderBackground(upload.source, upload.width, upload.height)
  if ('close' in upload.source && typeof upload.source.close === 'function') upload.source.close()
  return { canvas, blob: upload.blob, preprocess, placement, source }
}
