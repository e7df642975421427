import { act, renderHook } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { describeNoiseChange, describeNoiseLevel, describePreprocess } from './describe'
import { requestNoise, useNoiseSettings, type NoiseMode } from './useNoiseSettings'

describe('describeNoiseLevel', () => {
  it('puts σ in words, always followed by the number with two decimals', () => {
    expect(describeNoiseLevel(0)).toBe('no visible noise, about σ 0.00')
    expect(describeNoiseLevel(0.029)).toBe('no visible noise, about σ 0.03')
    expect(describeNoiseLevel(0.03)).toBe('light noise, about σ 0.03')
    expect(describeNoiseLevel(0.0999)).toBe('light noise, about σ 0.10')
    expect(describeNoiseLevel(0.1)).toBe('moderate noise, about σ 0.10')
    expect(describeNoiseLevel(0.249)).toBe('moderate noise, about σ 0.25')
    expect(describeNoiseLevel(0.25)).toBe('heavy noise, about σ 0.25')
    expect(describeNoiseLevel(0.45)).toBe('heavy noise, about σ 0.45')
    expect(describeNoiseLevel(1.2)).toBe('heavy noise, about σ 1.20')
  })

  it('never writes a negative σ', () => {
    expect(describeNoiseLevel(-0.001)).toBe('no visible noise, about σ 0.00')
  })
})

describe('describeNoiseChange', () => {
  it('says the noise of the received image and of the denoised one', () => {
    expect(describeNoiseChange(0.45, 0.012)).toBe('Received: heavy noise, about σ 0.45 → denoised: no visible noise, about σ 0.01')
    expect(describeNoiseChange(0.05, undefined)).toBe('Received: light noise, about σ 0.05')
  })

  it('says nothing without an estimate (an older server)', () => {
    expect(describeNoiseChange(undefined, 0.01)).toBeNull()
    expect(describeNoiseChange(null, null)).toBeNull()
    expect(describeNoiseChange(Number.NaN, 0.01)).toBeNull()
  })
})

describe('describePreprocess on the noisy path', () => {
  it('says the crop came from a smoothed copy and the model got the noisy pixels', () => {
    expect(describePreprocess({ mode: 'mnist', path: 'noisy', upload_noise_estimate: 0.18, inverted: true })).toBe(
      'Treated as noisy (σ 0.18 at its own size): the crop was found on a smoothed copy, and the model got your own noisy pixels. Colours inverted to white on black, then cropped and centred in 28×28.',
    )
    expect(describePreprocess({ mode: 'mnist', path: 'noisy' })).toMatch(/^Treated as noisy: the crop was found on a smoothed copy/)
    expect(describePreprocess({ mode: 'mnist', path: 'clean', upload_noise_estimate: 0.01 })).toBe('Cropped and centred in 28×28.')
  })
})

describe('requestNoise', () => {
  it('adds nothing in as-is mode, whatever the demo settings are', () => {
    expect(requestNoise('as-is', 'gaussian', 0.5)).toEqual({ noise: 'none', level: 0 })
  })

  it('sends the demo noise explicitly, and nothing for "None" or level 0', () => {
    expect(requestNoise('add-noise', 'speckle', 0.3)).toEqual({ noise: 'speckle', level: 0.3 })
    expect(requestNoise('add-noise', 'none', 0.3)).toEqual({ noise: 'none', level: 0 })
    expect(requestNoise('add-noise', 'gaussian', 0)).toEqual({ noise: 'none', level: 0 })
  })
})

describe('useNoiseSettings', () => {
  const setup = (suggestedMode: NoiseMode = 'add-noise', inputVersion = 0) =>
    renderHook((props: { suggestedMode: NoiseMode; inputVersion: number }) => useNoiseSettings({ ...props, initialNoise: 'gaussian', initialLevel: 0.5 }), {
      initialProps: { suggestedMode, inputVersion },
    })

  it('follows the input: an upload is denoised as it is, a drawing gets noise added', () => {
    const { result, rerender } = setup()
    expect(result.current.mode).toBe('add-noise')
    rerender({ suggestedMode: 'as-is', inputVersion: 1 })
    expect(result.current.mode).toBe('as-is')
    rerender({ suggestedMode: 'add-noise', inputVersion: 2 })
    expect(result.current.mode).toBe('add-noise')
  })

  it('keeps a choice made by hand until the input changes', () => {
    const { result, rerender } = setup('as-is', 3)
    act(() => result.current.setMode('add-noise'))
    expect(result.current.mode).toBe('add-noise')
    rerender({ suggestedMode: 'as-is', inputVersion: 3 }) // anything else re-renders: the choice holds
    expect(result.current.mode).toBe('add-noise')
    rerender({ suggestedMode: 'as-is', inputVersion: 4 }) // another upload
    expect(result.current.mode).toBe('as-is')
  })

  it('goes back to the demo with the previous noise type and level', () => {
    const { result, rerender } = setup()
    expect(result.current).toMatchObject({ noise: 'gaussian', level: 0.5 })
    act(() => {
      result.current.setNoise('salt_pepper')
      result.current.setLevel(0.2)
    })
    rerender({ suggestedMode: 'as-is', inputVersion: 1 })
    expect(result.current).toMatchObject({ mode: 'as-is', noise: 'salt_pepper', level: 0.2 })
    rerender({ suggestedMode: 'add-noise', inputVersion: 2 })
    expect(result.current).toMatchObject({ mode: 'add-noise', noise: 'salt_pepper', level: 0.2 })
  })
})
