import { describe, expect, it } from 'vitest'
import { formatUrlState, parseUrlState } from './url'

describe('URL state', () => {
  it('round-trips model, noise, level, seed and example', () => {
    const state = { model: 'fashion-mnist', noise: 'speckle', level: 0.3, seed: 42, example: 3 }
    expect(formatUrlState(state)).toBe('?model=fashion-mnist&noise=speckle&level=0.3&seed=42&example=3')
    expect(parseUrlState(formatUrlState(state))).toEqual(state)
  })
  it('keeps the uncertainty map as uncertainty=1 when it is on, and leaves it out when off', () => {
    expect(formatUrlState({ seed: 3, uncertainty: true })).toBe('?seed=3&uncertainty=1')
    expect(formatUrlState({ seed: 3, uncertainty: false })).toBe('?seed=3')
    expect(parseUrlState('?uncertainty=1')).toEqual({ uncertainty: true })
    expect(parseUrlState('?uncertainty=true')).toEqual({ uncertainty: true })
    expect(parseUrlState('?uncertainty=0')).toEqual({})
  })
  it('drops values that do not parse or are out of range', () => {
    expect(parseUrlState('?level=2&seed=-1&example=x&model=')).toEqual({})
    expect(parseUrlState('?level=0&seed=0')).toEqual({ level: 0, seed: 0 })
  })
  it('writes nothing for an empty state', () => {
    expect(formatUrlState({})).toBe('')
  })
})
