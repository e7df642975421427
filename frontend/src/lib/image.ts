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
