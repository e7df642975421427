import { describe, expect, it } from 'vitest'
import { fakeContext, readBlobText } from '../test/canvasMock'
import {
  canvasToBlob,
  compositeOnWhite,
  countInk,
  dataUrlToBlob,
  exportPng,
  fitRect,
  greyOnWhite,
  isBlankPixels,
  isCanvasBlank,
  meanGreyOnWhite,
} from './image'

const rgba = (...pixels: number[][]) => new Uint8ClampedArray(pixels.flat())

describe('greyOnWhite', () => {
  it('shows transparent pixels as white, whatever their colour', () => {
    expect(greyOnWhite(0, 0, 0, 0)).toBe(255)
  })
  it('keeps opaque pixels as they are', () => {
    expect(greyOnWhite(0, 0, 0, 255)).toBe(0)
    expect(greyOnWhite(255, 255, 255, 255)).toBeCloseTo(255)
  })
  it('blends half-transparent black to mid grey', () => {
    expect(greyOnWhite(0, 0, 0, 128)).toBeCloseTo(127, 0)
  })
})

describe('blank detection', () => {
  it('calls a fully transparent canvas blank (the pad before any stroke)', () => {
    expect(isBlankPixels(new Uint8ClampedArray(28 * 28 * 4))).toBe(true)
  })
  it('calls an opaque white image blank', () => {
    expect(isBlankPixels(new Uint8ClampedArray(28 * 28 * 4).fill(255))).toBe(true)
  })
  it('ignores faint noise below the threshold', () => {
    const faint = new Uint8ClampedArray(100 * 4)
    for (let i = 0; i < 100; i += 1) faint.set([245, 245, 245, 255], i * 4)
    expect(isBlankPixels(faint)).toBe(true)
  })
  it('sees a few dark pixels as ink', () => {
    const data = new Uint8ClampedArray(100 * 4)
    for (let i = 0; i < 5; i += 1) data.set([0, 0, 0, 255], i * 4)
    expect(countInk(data)).toBe(5)
    expect(isBlankPixels(data)).toBe(false)
  })
  it('honours minInkPixels', () => {
    const data = rgba([0, 0, 0, 255], [0, 0, 0, 0])
    expect(isBlankPixels(data, { minInkPixels: 1 })).toBe(false)
    expect(isBlankPixels(data, { minInkPixels: 2 })).toBe(true)
  })
  it('measures the mean grey on white', () => {
    expect(meanGreyOnWhite(rgba([0, 0, 0, 255], [0, 0, 0, 0]))).toBeCloseTo(127.5)
    expect(meanGreyOnWhite(new Uint8ClampedArray(0))).toBe(255)
  })
})

describe('canvas export', () => {
  function drawnCanvas(): HTMLCanvasElement {
    const canvas = document.createElement('canvas')
    canvas.width = 280
    canvas.height = 280
    const ctx = canvas.getContext('2d')!
    ctx.beginPath()
    ctx.moveTo(10, 10)
    ctx.lineTo(100, 100)
    ctx.stroke()
    return canvas
  }

  it('composites onto opaque white before drawing the source', () => {
    const source = drawnCanvas()
    const out = compositeOnWhite(source)
    expect(out).not.toBe(source)
    expect([out.width, out.height]).toEqual([280, 280])
    const calls = fakeContext(out).calls
    const fill = calls.findIndex((c) => c.name === 'fillRect')
    const draw = calls.findIndex((c) => c.name === 'drawImage')
    expect(fill).toBeGreaterThanOrEqual(0)
    expect(calls[fill].fillStyle).toBe('#ffffff')
    expect(calls[fill].args).toEqual([0, 0, 280, 280])
    expect(draw).toBeGreaterThan(fill)
    expect(calls[draw].args[0]).toBe(source)
  })

  it('exports a PNG blob', async () => {
    const blob = exportPng(drawnCanvas())
    expect(blob.type).toBe('image/png')
    expect(await readBlobText(blob)).toBe('png-ink')
  })

  it('rejects when the browser cannot encode', async () => {
    const canvas = document.createElement('canvas')
    canvas.toBlob = (callback: BlobCallback) => callback(null)
    await expect(canvasToBlob(canvas)).rejects.toThrow(/PNG/)
  })

  it('tells a blank canvas from a drawn one', () => {
    const blank = document.createElement('canvas')
    expect(isCanvasBlank(blank)).toBe(true)
    expect(isCanvasBlank(drawnCanvas())).toBe(false)
  })
})

describe('dataUrlToBlob', () => {
  it('decodes base64 data URLs', async () => {
    const blob = dataUrlToBlob('data:image/png;base64,' + btoa('\x89PNG'))
    expect(blob.type).toBe('image/png')
    expect(await readBlobText(blob)).toBe('\x89PNG')
  })
  it('decodes plain data URLs', async () => {
    expect(await readBlobText(dataUrlToBlob('data:text/plain,hello%20world'))).toBe('hello world')
  })
  it('rejects other URLs', () => {
    expect(() => dataUrlToBlob('https://example.com/x.png')).toThrow()
  })
})

describe('fitRect', () => {
  it('fits and centres a wide image', () => {
    expect(fitRect(200, 100, 280, 280, 0)).toEqual({ x: 0, y: 70, width: 280, height: 140, scale: 1.4 })
  })
  it('keeps a margin', () => {
    const box = fitRect(28, 28, 280, 280, 0.1)
    expect(box.width).toBeCloseTo(224)
    expect(box.x).toBeCloseTo(28)
  })
})

describe('upload and map helpers', () => {
  it('scales the long side down to 1024 and never up', async () => {
    const { scaledSize, withExtension } = await import('./image')
    expect(scaledSize(7000, 7000)).toEqual({ width: 1024, height: 1024, scale: 1024 / 7000 })
    expect(scaledSize(4000, 3000)).toMatchObject({ width: 1024, height: 768 })
    expect(scaledSize(300, 200)).toEqual({ width: 300, height: 200, scale: 1 })
    expect(withExtension('photo.jpeg', 'png')).toBe('photo.png')
    expect(withExtension('scan', 'png')).toBe('scan.png')
  })
  it('maps the noise around mid grey and the error as an absolute difference', async () => {
    const { errorMap, noiseMap } = await import('./image')
    expect(Array.from(noiseMap([0, 100, 255], [0, 200, 55]))).toEqual([128, 178, 28])
    expect(Array.from(errorMap([0, 100, 255], [10, 50, 255]))).toEqual([10, 50, 0])
  })
})
