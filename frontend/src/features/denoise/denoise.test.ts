import { act, renderHook, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, NetworkError, type DenoiseResponse } from '../../api'
import { describePreprocess } from './describe'
import { downloadName } from './downloads'
import { toDenoiseError, useDenoise } from './useDenoise'

const mockApi = vi.hoisted(() => ({ denoise: vi.fn() }))
vi.mock('../../api', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api')>()), api: mockApi }))

const answer = (tag: string) =>
  ({
    model: { name: 'mnist', version: 4 },
    noise: { type: 'gaussian', level: 0.5, seed: 7 },
    input: `data:image/png;base64,${tag}`,
    noisy: `data:image/png;base64,${tag}`,
    denoised: `data:image/png;base64,${tag}`,
    metrics: null,
    results: [],
    timings_ms: { total: 1 },
    request_id: tag,
  }) as DenoiseResponse

const request = (key: string) => ({
  key,
  input: { blob: new Blob(['x'], { type: 'image/png' }), preprocess: 'mnist' as const },
  options: { model: 'mnist', noise: 'gaussian' as const, level: 0.5, seed: 7, uncertainty: false },
})

beforeEach(() => vi.clearAllMocks())

describe('useDenoise', () => {
  it('shows the newest answer only and aborts the older request', async () => {
    let first: (value: DenoiseResponse) => void = () => {}
    mockApi.denoise.mockImplementationOnce(() => new Promise((resolve) => (first = resolve))).mockResolvedValueOnce(answer('b'))
    const onSuccess = vi.fn()
    const { result } = renderHook(() => useDenoise({ onSuccess }))
    act(() => void result.current.run(request('1')))
    act(() => void result.current.run(request('2')))
    await waitFor(() => expect(result.current.shown?.key).toBe('2'))
    await act(async () => first(answer('a')))
    expect(result.current.shown?.key).toBe('2')
    expect((mockApi.denoise.mock.calls[0][2] as AbortSignal).aborted).toBe(true)
    expect(onSuccess).toHaveBeenCalledTimes(1)
    expect(result.current.busy).toBe(false)
  })

  it('keeps the last good result beside an error, and reports the API as unavailable', async () => {
    mockApi.denoise.mockResolvedValueOnce(answer('a')).mockRejectedValueOnce(new NetworkError())
    const onUnavailable = vi.fn()
    const { result } = renderHook(() => useDenoise({ onUnavailable }))
    await act(() => result.current.run(request('1')))
    await act(() => result.current.run(request('2')))
    expect(result.current.shown?.key).toBe('1')
    expect(result.current.error).toMatchObject({ code: 'network_error', scope: 'results', unavailable: true })
    expect(onUnavailable).toHaveBeenCalledTimes(1)
    act(() => result.current.reset())
    expect(result.current.shown).toBeNull()
    expect(result.current.error).toBeNull()
  })

  it('puts errors about the image beside the input', () => {
    expect(toDenoiseError(new ApiError('blank_image', 'blank', 422))).toMatchObject({ scope: 'input', unavailable: false })
    expect(toDenoiseError(new ApiError('not_ready', 'starting', 503))).toMatchObject({ scope: 'results', unavailable: true })
    expect(toDenoiseError(new Error('boom'))).toMatchObject({ code: 'client_error', scope: 'results' })
  })
})

describe('describePreprocess', () => {
  it('says in words what preprocessing did', () => {
    expect(
      describePreprocess({
        mode: 'mnist',
        inverted: true,
        background_removed: true,
        lines_removed: 2,
        components_dropped: 1,
        stroke_px_before: 1.2,
        stroke_px_after: 2.5,
      }),
    ).toBe(
      'Colours inverted to white on black, background evened out, ruled lines removed, 1 stray speck dropped, strokes thickened from 1.2 px to 2.5 px, then cropped and centred in 28×28.',
    )
    expect(describePreprocess({ mode: 'mnist', stroke_px_before: 2, stroke_px_after: 2.1 })).toBe('Cropped and centred in 28×28.')
    expect(describePreprocess({ mode: 'resize' })).toMatch(/^Resized to 28×28/)
    expect(describePreprocess(undefined)).toBeNull()
  })
})

describe('downloadName', () => {
  it('names what the file holds', () => {
    const a = answer('a')
    expect(downloadName(a, ['denoised'])).toBe('mnist-v4_gaussian-0.50_seed-7_denoised_280px.png')
    expect(downloadName(a, ['original', 'noisy', 'denoised'])).toBe('mnist-v4_gaussian-0.50_seed-7_original-noisy-denoised_280px.png')
    expect(downloadName({ ...a, noise: { type: 'none', level: 0, seed: 1 } }, ['noisy'])).toBe('mnist-v4_no-noise_noisy_280px.png')
    // without added noise the original is the image as received (it may be noisy itself)
    expect(downloadName({ ...a, noise: { type: 'none', level: 0, seed: 1 } }, ['original', 'denoised'])).toBe(
      'mnist-v4_no-noise_received-denoised_280px.png',
    )
  })
})
