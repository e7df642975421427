/** Pixel and canvas helpers: compositing onto white, blank detection, PNG export. */

/** Grey value (0..255) of one RGBA pixel as it looks on a white page. */
export function greyOnWhite(r: number, g: number, b: number, a: number): number {
  const alpha = a / 255
  const luma = 0.299 * r + 0.587 * g + 0.114 * b
  return luma * alpha + 255 * (1 - alpha)
}

export interface BlankOptions {
  /** How far from white (0..255) a pixel must be to count as ink. */
  threshold?: number
  /** How many ink pixels make the image non-blank. */
  minInkPixels?: number
}

/** Count the pixels of RGBA data that differ visibly from white once composited onto white. */
export function countInk(data: ArrayLike<number>, threshold = 24): number {
  let ink = 0
  for (let i = 0; i + 3 < data.length; i += 4) {
    if (255 - greyOnWhite(data[i], data[i + 1], data[i + 2], data[i + 3]) > threshold) ink += 1
  }
  return ink
}

/**
 * True when RGBA data shows nothing but white (or transparency) on a white page.
 * A blank pad must be refused, never denoised into a guess.
 */
export function isBlankPixels(data: ArrayLike<number>, options: BlankOptions = {}): boolean {
  const { threshold = 24, minInkPixels = 4 } = options
  return countInk(data, threshold) < minInkPixels
}

/** Mean grey (0..255) of RGBA data composited onto white: below 128 means light-on-dark. */
export function meanGreyOnWhite(data: ArrayLike<number>): number {
  let sum = 0
  let n = 0
  for (let i = 0; i + 3 < data.length; i += 4) {
    sum += greyOnWhite(data[i], data[i + 1], data[i + 2], data[i + 3])
    n += 1
  }
  return n === 0 ? 255 : sum / n
}

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('Canvas 2D is not available in this browser')
  return ctx
}

/** A new canvas holding `source` drawn over an opaque white background (no transparency left). */
export function compositeOnWhite(source: HTMLCanvasElement): HTMLCanvasElement {
  const out = document.createElement('canvas')
  out.width = source.width
  out.height = source.height
  const ctx = context2d(out)
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.drawImage(source, 0, 0)
  return out
}

/** Encode a canvas as a PNG Blob. */
export function canvasToBlob(canvas: HTMLCanvasElement, type = 'image/png'): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('Could not encode the drawing as PNG'))), type)
  })
}

/**
 * Composite the canvas onto white and encode it as PNG: what the API receives from the pad.
 * Encodes synchronously with toDataURL: Chromium's toBlob waits for idle time and can add hundreds
 * of milliseconds between the end of a stroke and the request.
 */
export function exportPng(canvas: HTMLCanvasElement): Blob {
  return dataUrlToBlob(compositeOnWhite(canvas).toDataURL('image/png'))
}

/** True when the canvas, composited onto white, has no visible ink. */
export function isCanvasBlank(canvas: HTMLCanvasElement, options?: BlankOptions): boolean {
  const ctx = context2d(canvas)
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
  return isBlankPixels(data, options)
}

/** Decode a data: URL into a Blob without the network. */
export function dataUrlToBlob(dataUrl: string): Blob {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(dataUrl)
  if (!match) throw new Error('Not a data: URL')
  const [, mime, base64, payload] = match
  if (!base64) return new Blob([decodeURIComponent(payload)], { type: mime || 'text/plain' })
  const binary = atob(payload)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i)
  return new Blob([bytes], { type: mime || 'application/octet-stream' })
}

/** Fit a w x h box into a W x H box, preserving aspect ratio, centred; with a margin fraction. */
export function fitRect(w: number, h: number, W: number, H: number, margin = 0.1) {
  const scale = Math.min((W * (1 - 2 * margin)) / w, (H * (1 - 2 * margin)) / h)
  const dw = w * scale
  const dh = h * scale
  return { x: (W - dw) / 2, y: (H - dh) / 2, width: dw, height: dh, scale }
}

/** Longest side of an upload as sent to the API: big photos and scans are downscaled first. */
export const UPLOAD_MAX_SIDE = 1024
/** Uploads above this many bytes are re-encoded even when small in pixels. */
export const UPLOAD_MAX_BYTES = 4 * 1024 * 1024

/** Width and height of a `w` x `h` image scaled so that its longest side is at most `maxSide`. */
export function scaledSize(w: number, h: number, maxSide = UPLOAD_MAX_SIDE): { width: number; height: number; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(w, h, 1))
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)), scale }
}

/** A file name with its extension replaced: `photo.jpeg` -> `photo.png`. */
export function withExtension(name: string, extension: string): string {
  const base = name.replace(/\.[^./]*$/, '') || 'image'
  return `${base}.${extension}`
}

export interface PreparedUpload {
  /** what is sent to the API: the file itself, or a downscaled PNG copy */
  blob: Blob
  /** the sent image's size in pixels */
  width: number
  height: number
  /** the decoded (and downscaled) image, for drawing on the pad */
  source: CanvasImageSource
  downscaled: boolean
}

/**
 * Decode an upload once and, when it is too big for the API (long side over `maxSide` or over
 * UPLOAD_MAX_BYTES), draw a smoothed copy with a long side of `maxSide` and encode that as PNG.
 * The API limits stay: this is what makes a 12 MB photo or a 7000x7000 scan work.
 */
export async function prepareUpload(blob: Blob, maxSide = UPLOAD_MAX_SIDE): Promise<PreparedUpload> {
  const bitmap = await createImageBitmap(blob)
  const { width, height } = bitmap
  if (Math.max(width, height) <= maxSide && blob.size <= UPLOAD_MAX_BYTES) {
    return { blob, width, height, source: bitmap, downscaled: false }
  }
  const size = scaledSize(width, height, maxSide)
  const canvas = document.createElement('canvas')
  canvas.width = size.width
  canvas.height = size.height
  const ctx = context2d(canvas)
  ctx.imageSmoothingEnabled = true
  ctx.imageSmoothingQuality = 'high'
  ctx.drawImage(bitmap, 0, 0, size.width, size.height)
  bitmap.close?.()
  const png = dataUrlToBlob(canvas.toDataURL('image/png'))
  const name = blob instanceof File ? withExtension(blob.name, 'png') : 'image.png'
  const sent = typeof File === 'function' ? new File([png], name, { type: 'image/png' }) : png
  return { blob: sent, width: size.width, height: size.height, source: canvas, downscaled: true }
}

/** Load an image URL (a data: URL here) into a decoded <img>. */
export function loadImageElement(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('Could not decode the image'))
    img.src = src
  })
}

/**
 * Several images side by side, each enlarged `factor` times with nearest-neighbour sampling (crisp
 * pixels), with `gap` white pixels between them: one image is the 280x280 download, three are the strip.
 */
export async function upscaleStrip(sources: string[], factor = 10, gap = 8): Promise<string> {
  const images = await Promise.all(sources.map(loadImageElement))
  const side = (images[0]?.naturalWidth || 28) * factor
  const canvas = document.createElement('canvas')
  canvas.width = images.length * side + (images.length - 1) * gap
  canvas.height = side
  const ctx = context2d(canvas)
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.imageSmoothingEnabled = false
  images.forEach((img, i) => ctx.drawImage(img, i * (side + gap), 0, side, side))
  return canvas.toDataURL('image/png')
}

/** Grey levels (0..255, one per pixel) of a decoded image. */
export function greyLevels(img: HTMLImageElement): Uint8ClampedArray {
  const canvas = document.createElement('canvas')
  canvas.width = img.naturalWidth
  canvas.height = img.naturalHeight
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | null
  if (!ctx) throw new Error('Canvas 2D is not available in this browser')
  ctx.drawImage(img, 0, 0)
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
  const grey = new Uint8ClampedArray(canvas.width * canvas.height)
  for (let i = 0; i < grey.length; i += 1) grey[i] = data[i * 4]
  return grey
}

/** The noise that was added: 128 + (noisy - input) / 2, so mid grey is "no change". */
export function noiseMap(input: ArrayLike<number>, noisy: ArrayLike<number>): Uint8ClampedArray {
  const out = new Uint8ClampedArray(input.length)
  for (let i = 0; i < out.length; i += 1) out[i] = 128 + (noisy[i] - input[i]) / 2
  return out
}

/** The error map |denoised - input|: black where the model got the pixel right. */
export function errorMap(input: ArrayLike<number>, denoised: ArrayLike<number>): Uint8ClampedArray {
  const out = new Uint8ClampedArray(input.length)
  for (let i = 0; i < out.length; i += 1) out[i] = Math.abs(denoised[i] - input[i])
  return out
}

/** A square grey image (one byte per pixel) as a PNG data URL. */
export function greyToDataUrl(grey: ArrayLike<number>, side = Math.round(Math.sqrt(grey.length))): string {
  const canvas = document.createElement('canvas')
  canvas.width = side
  canvas.height = side
  const ctx = context2d(canvas)
  const image = ctx.createImageData(side, side)
  for (let i = 0; i < side * side; i += 1) image.data.set([grey[i], grey[i], grey[i], 255], i * 4)
  ctx.putImageData(image, 0, 0)
  return canvas.toDataURL('image/png')
}
