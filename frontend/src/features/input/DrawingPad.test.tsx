import { createRef } from 'react'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { fakeContext, readBlobText } from '../../test/canvasMock'
import { DrawingPad, type DrawingPadHandle } from './DrawingPad'

function setup(props: Partial<Parameters<typeof DrawingPad>[0]> = {}) {
  const ref = createRef<DrawingPadHandle>()
  const onStrokeEnd = vi.fn()
  const onChange = vi.fn()
  render(<DrawingPad ref={ref} brushSize={20} onStrokeEnd={onStrokeEnd} onChange={onChange} {...props} />)
  const pad = screen.getByRole('img', { name: 'Drawing pad' })
  const stroke = (id = 1) => {
    fireEvent.pointerDown(pad, { pointerId: id, button: 0, clientX: 10, clientY: 10 })
    fireEvent.pointerMove(pad, { pointerId: id, clientX: 40, clientY: 60 })
    fireEvent.pointerUp(pad, { pointerId: id, clientX: 40, clientY: 60 })
  }
  return { ref, pad, stroke, onStrokeEnd, onChange }
}

describe('DrawingPad', () => {
  it('is a 280x280 canvas named "Drawing pad"', () => {
    const { pad } = setup()
    expect(pad.tagName).toBe('CANVAS')
    expect(pad).toHaveAttribute('width', '280')
    expect(pad).toHaveAttribute('height', '280')
  })

  it('is blank until a stroke: getInput() gives null', async () => {
    const { ref } = setup()
    expect(ref.current!.isEmpty()).toBe(true)
    await expect(ref.current!.getInput()).resolves.toBeNull()
  })

  it('reports each finished stroke with a timestamp, and exports a PNG for the mnist recipe', async () => {
    const { ref, stroke, onStrokeEnd, onChange } = setup()
    stroke()
    expect(onStrokeEnd).toHaveBeenCalledTimes(1)
    expect(typeof onStrokeEnd.mock.calls[0][0]).toBe('number')
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ strokes: 1, hasBackground: false }))
    const input = await ref.current!.getInput()
    expect(input?.preprocess).toBe('mnist')
    expect(input?.blob.type).toBe('image/png')
    expect(await readBlobText(input!.blob)).toBe('png-ink')
    // cached until the drawing changes
    expect(await ref.current!.getInput()).toBe(input)
  })

  it('ignores moves without a press and non-primary mouse buttons', () => {
    const { pad, onStrokeEnd } = setup()
    fireEvent.pointerMove(pad, { pointerId: 1, clientX: 5, clientY: 5 })
    fireEvent.pointerUp(pad, { pointerId: 1 })
    expect(onStrokeEnd).not.toHaveBeenCalled()
  })

  it('undoes strokes one by one and clears everything', async () => {
    const { ref, stroke, onChange } = setup()
    stroke()
    stroke()
    act(() => ref.current!.undo())
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ strokes: 1, hasBackground: false }))
    act(() => ref.current!.clear())
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ strokes: 0, hasBackground: false, canRedo: false }))
    expect(ref.current!.isEmpty()).toBe(true)
    await expect(ref.current!.getInput()).resolves.toBeNull()
  })

  it('sends a loaded image as it is, with its preprocessing, until strokes are drawn over it', async () => {
    const { ref, stroke } = setup()
    const example = new Blob(['example'], { type: 'image/png' })
    await act(() => ref.current!.loadImage(example, 'resize'))
    expect(await ref.current!.getInput()).toEqual({ blob: example, preprocess: 'resize', placement: { x: 0, y: 0, scale: 10 } })
    stroke()
    const drawn = await ref.current!.getInput()
    expect(drawn?.blob).not.toBe(example)
    expect(drawn?.preprocess).toBe('mnist')
    act(() => ref.current!.undo()) // the stroke
    expect(await ref.current!.getInput()).toEqual({ blob: example, preprocess: 'resize', placement: { x: 0, y: 0, scale: 10 } })
    act(() => ref.current!.undo()) // the image
    expect(ref.current!.isEmpty()).toBe(true)
  })

  it('says where its content comes from: the loaded image, or a drawing once strokes are on it', async () => {
    const { ref, stroke, onChange } = setup()
    await act(() => ref.current!.loadImage(new Blob(['noisy'], { type: 'image/jpeg' }), 'mnist', 'noisy-example'))
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ source: 'noisy-example' }))
    stroke()
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ source: 'drawing' }))
    act(() => ref.current!.undo())
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ source: 'noisy-example' }))
    await act(() => ref.current!.loadImage(new Blob(['upload'], { type: 'image/png' }), 'mnist'))
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ source: 'upload' }))
    act(() => ref.current!.clear())
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ source: null }))
  })

  it('redoes undone strokes until a new stroke is drawn', async () => {
    const { ref, stroke, onChange } = setup()
    stroke()
    stroke()
    act(() => ref.current!.undo())
    act(() => ref.current!.undo())
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ strokes: 0, canRedo: true }))
    act(() => ref.current!.redo())
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ strokes: 1, canRedo: true }))
    stroke()
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ strokes: 2, canRedo: false }))
  })

  it('erases with destination-out and asks for a CPU-readable canvas', () => {
    const getContext = vi.spyOn(HTMLCanvasElement.prototype, 'getContext')
    const { pad, stroke } = setup({ tool: 'eraser' })
    stroke()
    expect(getContext).toHaveBeenCalledWith('2d', { willReadFrequently: true })
    const ctx = fakeContext(pad as HTMLCanvasElement)
    expect(ctx.globalCompositeOperation).toBe('source-over') // restored after the stroke
    getContext.mockRestore()
  })

  it('outlines a highlighted box in pad coordinates', () => {
    setup({ highlight: { x: 28, y: 56, width: 140, height: 70 } })
    const box = screen.getByTestId('crop-box')
    expect(box.style.left).toBe('calc(10% - 3px)')
    expect(box.style.top).toBe('calc(20% - 3px)')
    expect(box.style.width).toBe('calc(50% + 6px)')
    expect(box.style.height).toBe('calc(25% + 6px)')
  })

  it('downscales a big upload before sending it (long side 1024) and places it on the pad', async () => {
    const original = globalThis.createImageBitmap
    globalThis.createImageBitmap = vi.fn(async () => ({ width: 7000, height: 3500, close() {} }) as unknown as ImageBitmap)
    try {
      const { ref } = setup()
      const big = new File(['big'], 'scan.jpeg', { type: 'image/jpeg' })
      await act(() => ref.current!.loadImage(big, 'mnist'))
      const input = await ref.current!.getInput()
      expect(input?.blob).not.toBe(big)
      expect((input?.blob as File).name).toBe('scan.png')
      expect(input?.blob.type).toBe('image/png')
      // 1024 x 512 fitted into 280 x 280: scale 280/1024, centred vertically
      expect(input?.placement.scale).toBeCloseTo(280 / 1024)
      expect(input?.placement.y).toBeCloseTo(70)
    } finally {
      globalThis.createImageBitmap = original
    }
  })
})
