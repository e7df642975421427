import { describe, expect, it } from 'vitest'
import {
  colourPosition,
  formatSd,
  fromCanvas,
  heatmapShape,
  interpolateCodes,
  mapBounds,
  mostUnusual,
  nearestPoint,
  relativeCode,
  toCanvas,
} from './math'

describe('map geometry', () => {
  const points = [
    [-10, -20, 1],
    [10, 20, 7],
    [0, 0, 3],
  ]

  it('bounds the points with a margin, and is null without points', () => {
    expect(mapBounds(points, 0.05)).toEqual({ x0: -11, x1: 11, y0: -22, y1: 22 })
    expect(mapBounds([])).toBeNull()
    // a single point still has a non-empty box
    const one = mapBounds([[3, 3, 0]], 0)!
    expect(one.x1 - one.x0).toBe(0)
  })

  it('maps to the canvas with y up, and back', () => {
    const bounds = { x0: -10, x1: 10, y0: -10, y1: 10 }
    expect(toCanvas(bounds, 200, [-10, 10])).toEqual([0, 0])
    expect(toCanvas(bounds, 200, [10, -10])).toEqual([200, 200])
    expect(toCanvas(bounds, 200, [0, 0])).toEqual([100, 100])
    const [x, y] = fromCanvas(bounds, 200, toCanvas(bounds, 200, [3.5, -7.25]))
    expect(x).toBeCloseTo(3.5)
    expect(y).toBeCloseTo(-7.25)
  })

  it('finds the nearest point, in screen space when the axes are scaled', () => {
    expect(nearestPoint(points, [9, 18])).toBe(1)
    expect(nearestPoint(points, [1, -1])).toBe(2)
    expect(nearestPoint([], [0, 0])).toBe(-1)
    // with x weighted ten times (a squeezed axis on screen), (0, 5) beats (4, 0)
    expect(nearestPoint([[0, 5], [4, 0]], [1, 0], { scaleX: 1, scaleY: 1 })).toBe(1)
    expect(nearestPoint([[0, 5], [4, 0]], [1, 0], { scaleX: 10, scaleY: 1 })).toBe(0)
    expect(nearestPoint(points, [5, 5], { maxDistance: 2 })).toBe(-1)
    expect(nearestPoint(points, [0.5, 0.5], { maxDistance: 2 })).toBe(2)
  })
})

describe('codes', () => {
  it('interpolates 8 codes from one end to the other, both included', () => {
    const codes = interpolateCodes([0, 10, -7], [7, 3, 7], 8)
    expect(codes).toHaveLength(8)
    expect(codes[0]).toEqual([0, 10, -7])
    expect(codes[7]).toEqual([7, 3, 7])
    expect(codes[1][0]).toBeCloseTo(1)
    expect(codes[1][1]).toBeCloseTo(9)
    expect(codes[3][2]).toBeCloseTo(-1)
    expect(() => interpolateCodes([1, 2], [1])).toThrow(/different lengths/)
    expect(() => interpolateCodes([1], [2], 1)).toThrow(/two steps/)
  })

  it('scales the code relative to the dataset: (z - mean) / std, guarding zero and missing baselines', () => {
    expect(relativeCode([3, 0, 5], [1, 0, 5], [2, 0.5, 0])).toEqual({ values: [1, 0, 0], relative: true })
    expect(relativeCode([4, -2], [0, 0], [1, 1]).values).toEqual([4, -2])
    expect(relativeCode([1, Number.NaN])).toEqual({ values: [1, 0], relative: false })
    expect(relativeCode([1, 2], [0], [1]).relative).toBe(false)
  })

  it('clips at ±3 sd for the colour scale', () => {
    expect(colourPosition(0)).toBe(0)
    expect(colourPosition(1.5)).toBeCloseTo(0.5)
    expect(colourPosition(-18.9)).toBe(-1)
    expect(colourPosition(5)).toBe(1)
    expect(colourPosition(Number.NaN)).toBe(0)
  })

  it('names the most unusual numbers, 1-based, largest first', () => {
    expect(mostUnusual([0.1, 0.2, 2.4, 0, -1.9, 0.3], 2)).toEqual([
      { number: 3, value: 2.4 },
      { number: 5, value: -1.9 },
    ])
    expect(formatSd(2.44)).toBe('+2.4 sd')
    expect(formatSd(-1.86)).toBe('−1.9 sd')
    expect(formatSd(-0.01)).toBe('+0.0 sd')
  })

  it('lays out short codes in rows of 8 and long ones near-square', () => {
    expect(heatmapShape(16)).toEqual({ rows: 2, cols: 8 })
    expect(heatmapShape(5)).toEqual({ rows: 1, cols: 5 })
    expect(heatmapShape(128)).toEqual({ rows: 8, cols: 16 })
  })
})
