/**
 * jsdom has no canvas. This fake 2D context records calls and tracks whether anything dark was
 * drawn since the last full clear, so blank detection and PNG export can be tested.
 */
export interface FakeContext {
  calls: { name: string; args: unknown[]; fillStyle?: unknown }[]
  inked: boolean
  canvas: HTMLCanvasElement
  [key: string]: unknown
}

const contexts = new WeakMap<HTMLCanvasElement, FakeContext>()

function isWhite(style: unknown): boolean {
  return typeof style === 'string' && /^(#fff(fff)?|white|rgba?\(255,\s*255,\s*255)/i.test(style)
}

function makeContext(canvas: HTMLCanvasElement): FakeContext {
  const ctx: FakeContext = {
    calls: [],
    inked: false,
    canvas,
    fillStyle: '#000',
    strokeStyle: '#000',
    lineWidth: 1,
    lineCap: 'butt',
    lineJoin: 'miter',
    globalAlpha: 1,
    globalCompositeOperation: 'source-over',
    imageSmoothingEnabled: true,
  }
  const record =
    (name: string, effect?: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      ctx.calls.push({ name, args, fillStyle: ctx.fillStyle })
      effect?.(...args)
    }
  Object.assign(ctx, {
    beginPath: record('beginPath'),
    moveTo: record('moveTo'),
    lineTo: record('lineTo'),
    arc: record('arc'),
    closePath: record('closePath'),
    setTransform: record('setTransform'),
    stroke: record('stroke', () => {
      ctx.inked = true
    }),
    fill: record('fill', () => {
      if (!isWhite(ctx.fillStyle)) ctx.inked = true
    }),
    fillRect: record('fillRect', () => {
      if (!isWhite(ctx.fillStyle) && ctx.globalAlpha !== 0) ctx.inked = true
    }),
    clearRect: record('clearRect', (_x, _y, w, h) => {
      if (Number(w) >= canvas.width && Number(h) >= canvas.height) ctx.inked = false
    }),
    drawImage: record('drawImage', (source) => {
      const other = source instanceof HTMLCanvasElement ? contexts.get(source) : undefined
      if (!other || other.inked) ctx.inked = true
    }),
    getImageData: (x: number, y: number, w: number, h: number) => {
      ctx.calls.push({ name: 'getImageData', args: [x, y, w, h] })
      const data = new Uint8ClampedArray(w * h * 4)
      if (ctx.inked) {
        // a dark opaque blob in the first 50 pixels
        for (let i = 0; i < Math.min(50, w * h); i += 1) data.set([0, 0, 0, 255], i * 4)
      }
      return { data, width: w, height: h }
    },
  })
  return ctx
}

/** The fake context of a canvas (creating it when needed). */
export function fakeContext(canvas: HTMLCanvasElement): FakeContext {
  let ctx = contexts.get(canvas)
  if (!ctx) {
    ctx = makeContext(canvas)
    contexts.set(canvas, ctx)
  }
  return ctx
}

export function installCanvasMock() {
  Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
    configurable: true,
    value(this: HTMLCanvasElement, type: string) {
      return type === '2d' ? fakeContext(this) : null
    },
  })
  Object.defineProperty(HTMLCanvasElement.prototype, 'toBlob', {
    configurable: true,
    value(this: HTMLCanvasElement, callback: (blob: Blob | null) => void, type = 'image/png') {
      const inked = fakeContext(this).inked
      setTimeout(() => callback(new Blob([inked ? 'png-ink' : 'png-blank'], { type })), 0)
    },
  })
  Object.defineProperty(HTMLCanvasElement.prototype, 'toDataURL', {
    configurable: true,
    value(this: HTMLCanvasElement, type = 'image/png') {
      return `data:${type};base64,${btoa(fakeContext(this).inked ? 'png-ink' : 'png-blank')}`
    },
  })
  if (typeof globalThis.createImageBitmap === 'undefined') {
    Object.defineProperty(globalThis, 'createImageBitmap', {
      configurable: true,
      writable: true,
      value: async () => ({ width: 28, height: 28, close() {} }),
    })
  }
}

/** jsdom's Blob has no text()/arrayBuffer(): read it with FileReader. */
export function readBlobText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error)
    reader.readAsBinaryString(blob)
  })
}
