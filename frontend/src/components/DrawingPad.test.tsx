import { createRef } from 'react'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { readBlobText } from '../test/canvasMock'
import { DrawingPad, type DrawingPadHandle } from './DrawingPad'

function setup() {
  const ref = createRef<DrawingPadHandle>()
  const onStrokeEnd = vi.fn()
  const onChange = vi.fn()
  render(<DrawingPad ref={ref} brushSize={20} onStrokeEnd={onStrokeEnd} onChange={onChange} />)
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
    expect(onChange).toHaveBeenLastCalledWith({ strokes: 1, hasBackground: false })
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
    expect(onChange).toHaveBeenLastCalledWith({ strokes: 1, hasBackground: false })
    act(() => ref.current!.clear())
    expect(onChange).toHaveBeenLastCalledWith({ strokes: 0, hasBackground: false })
    expect(ref.current!.isEmpty()).toBe(true)
    await expect(ref.current!.getInput()).resolves.toBeNull()
  })

  it('sends a loaded image as it is, with its preprocessing, until strokes are drawn over it', async () => {
    const { ref, stroke } = setup()
    const example = new Blob(['example'], { type: 'image/png' })
    await act(() => ref.current!.loadImage(example, 'resize'))
    expect(await ref.current!.getInput()).toEqual({ blob: example, preprocess: 'resize' })
    stroke()
    const drawn = await ref.current!.getInput()
    expect(drawn?.blob).not.toBe(example)
    expect(drawn?.preprocess).toBe('mnist')
    act(() => ref.current!.undo()) // the stroke
    expect(await ref.current!.getInput()).toEqual({ blob: example, preprocess: 'resize' })
    act(() => ref.current!.undo()) // the image
    expect(ref.current!.isEmpty()).toBe(true)
  })
})
