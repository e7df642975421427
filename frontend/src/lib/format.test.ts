import { describe, expect, it } from 'vitest'
import { fmt, isIdentical, psnrGain } from './format'

describe('metric formatting', () => {
  it('formats numbers and missing values', () => {
    expect(fmt(21.345, 1, ' dB')).toBe('21.3 dB')
    expect(fmt(undefined, 1)).toBe('—')
    expect(fmt(Number.POSITIVE_INFINITY, 1)).toBe('—')
  })
  it('calls an image without error identical (no "100 dB" placeholder)', () => {
    expect(isIdentical({ psnr: 100, ssim: 1, mse: 0 })).toBe(true)
    expect(isIdentical({ psnr: Number.POSITIVE_INFINITY, ssim: 1, mse: 0 })).toBe(true)
    expect(isIdentical({ psnr: 20, ssim: 0.8, mse: 0.01 })).toBe(false)
  })
  it('gives the gain of denoised over noisy', () => {
    expect(psnrGain({ psnr: 9.4, ssim: 0.3, mse: 0.1 }, { psnr: 20.6, ssim: 0.9, mse: 0.01 })).toBe('+11.2 dB')
    expect(psnrGain({ psnr: 20, ssim: 0.3, mse: 0.1 }, { psnr: 18.5, ssim: 0.9, mse: 0.01 })).toBe('−1.5 dB')
    expect(psnrGain({ psnr: 100, ssim: 1, mse: 0 }, { psnr: 30, ssim: 0.9, mse: 0.001 })).toBeNull()
    expect(psnrGain(undefined, undefined)).toBeNull()
  })
})
