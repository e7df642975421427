import { act, renderHook, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type DecodeRequest, type LatentMap, type ModelInfo } from '../../api'
import { useLatentExplorer } from './useLatentExplorer'

const mockApi = vi.hoisted(() => ({ latentMap: vi.fn(), encode: vi.fn(), decode: vi.fn(), spriteUrl: vi.fn() }))
vi.mock('../../api', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api')>()), api: mockApi }))

const info = (name: string, version: number, metadata: ModelInfo['metadata']): ModelInfo => ({ name, version, versions: [version], metadata })
const models = [
  info('mnist', 5, { dataset: 'mnist', arch: 'unet', has_decode: false }),
  info('mnist-vae', 1, { dataset: 'mnist', arch: 'vae', has_decode: true }),
  info('fashion-mnist', 1, { dataset: 'fashion-mnist' }),
]
const map = (name: string): LatentMap => ({
  format: 2,
  points: [[-10, -10, 1], [10, 10, 7], [0, 0, 3]],
  class_names: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  mean_latent: [0, 0],
  std_latent: [1, 1],
  decodable: name === 'mnist-vae',
})
const encodeAnswer = (model: string, latent = [0, 0]) => ({
  model: { name: model, version: 1 },
  latent_dim: 2,
  latent,
  projection: [1, 1],
  results: [{ latent, projection: [1, 1] }],
  timings_ms: { total: 1 },
  request_id: `e-${latent.join(',')}`,
})
const decodeAnswer = (body: DecodeRequest) => {
  const codes = 'latents' in body ? body.latents : 'latent' in body ? [body.latent] : [[7, 7]]
  const results = codes.map((latent, i) => ({ image: `data:image/png;base64,${btoa(`img${i}`)}`, latent }))
  return { model: { name: body.model, version: 1 }, results, ...results[0], timings_ms: { total: 1 }, request_id: 'd' }
}

beforeEach(() => {
  vi.clearAllMocks()
  mockApi.latentMap.mockImplementation(async (name: string) => map(name))
  mockApi.encode.mockImplementation(async (_image: Blob, options: { model: string; preprocess: string }) =>
    encodeAnswer(options.model, options.preprocess === 'resize' ? [14, -7] : [0, 0]),
  )
  mockApi.decode.mockImplementation(async (body: DecodeRequest) => decodeAnswer(body))
})

describe('useLatentExplorer', () => {
  it('uses a decoding model of the same dataset, fetches its map and encodes with it', async () => {
    const { result } = renderHook(() => useLatentExplorer({ models, model: 'mnist' }))
    expect(result.current.latentModel).toBe('mnist-vae')
    await waitFor(() => expect(result.current.map?.decodable).toBe(true))
    expect(mockApi.latentMap).toHaveBeenCalledWith('mnist-vae', expect.any(AbortSignal))
    expect(mockApi.latentMap).toHaveBeenCalledTimes(1) // only the latent model's map, not the denoiser's
    expect(result.current.canDecode).toBe(true)
    const image = new Blob(['png'])
    act(() => result.current.encode(image, 'mnist'))
    expect(result.current.encoding).toBe(true)
    await waitFor(() => expect(result.current.encoded?.model.name).toBe('mnist-vae'))
    expect(mockApi.encode).toHaveBeenCalledWith(image, { model: 'mnist-vae', preprocess: 'mnist' }, expect.any(AbortSignal))
    expect(result.current.encodedStale).toBe(false)
  })

  it('uses the denoiser itself when no model of its dataset decodes, and fetches its map once', async () => {
    const { result, rerender } = renderHook(() => useLatentExplorer({ models, model: 'fashion-mnist' }))
    await waitFor(() => expect(result.current.map).not.toBeNull())
    rerender()
    expect(mockApi.latentMap).toHaveBeenCalledTimes(1)
    expect(mockApi.latentMap).toHaveBeenCalledWith('fashion-mnist', expect.any(AbortSignal))
    expect(result.current.canDecode).toBe(false)
    expect(result.current.choice.note).toMatch(/cannot draw from a code/)
    // decoding is off: a click does not call the API
    act(() => result.current.decodePoint([1, 1]))
    expect(mockApi.decode).not.toHaveBeenCalled()
  })

  it('reports a missing map (404) in words', async () => {
    mockApi.latentMap.mockRejectedValue(new ApiError('not_found', 'model mnist-vae has no latent map', 404))
    const { result } = renderHook(() => useLatentExplorer({ models, model: 'mnist-vae' }))
    await waitFor(() => expect(result.current.mapError).toBe('model mnist-vae has no latent map'))
    expect(result.current.mapLoading).toBe(false)
  })

  it('decodes a clicked spot, then morphs from the image to it in 8 interpolated codes', async () => {
    const { result } = renderHook(() => useLatentExplorer({ models, model: 'mnist' }))
    await waitFor(() => expect(result.current.map).not.toBeNull())
    act(() => result.current.encode(new Blob(['png']), 'mnist'))
    await waitFor(() => expect(result.current.encoded).not.toBeNull())
    act(() => result.current.decodePoint([2.5, -3]))
    expect(result.current.spot?.busy).toBe(true)
    await waitFor(() => expect(result.current.spot?.result?.latent).toEqual([7, 7]))
    expect(mockApi.decode).toHaveBeenNthCalledWith(1, { model: 'mnist-vae', point: [2.5, -3] }, expect.any(AbortSignal))
    await waitFor(() => expect(result.current.morph?.images).toHaveLength(8))
    const body = mockApi.decode.mock.calls[1][0] as { model: string; latents: number[][] }
    expect(body.model).toBe('mnist-vae')
    expect(body.latents).toHaveLength(8)
    expect(body.latents[0]).toEqual([0, 0])
    expect(body.latents[7]).toEqual([7, 7])
    expect(body.latents[1][0]).toBeCloseTo(1)
    expect(result.current.morph?.to).toEqual({ kind: 'point', point: [2.5, -3] })
    expect(result.current.morphCurrent).toBe(true)
  })

  it('morphs to a gallery example encoded by the latent model', async () => {
    const { result } = renderHook(() => useLatentExplorer({ models, model: 'mnist' }))
    await waitFor(() => expect(result.current.map).not.toBeNull())
    act(() => result.current.encode(new Blob(['png']), 'mnist'))
    await waitFor(() => expect(result.current.encoded).not.toBeNull())
    act(() => result.current.morphToExample(1, { label: 3, class_name: '3', image: 'data:image/png;base64,AAAA' }))
    await waitFor(() => expect(result.current.morph?.images).toHaveLength(8))
    expect(mockApi.encode).toHaveBeenLastCalledWith(expect.any(Blob), { model: 'mnist-vae', preprocess: 'resize' })
    const body = mockApi.decode.mock.calls[0][0] as { latents: number[][] }
    expect(body.latents[7]).toEqual([14, -7])
    expect(result.current.morph?.to).toEqual({ kind: 'example', index: 1, className: '3' })
  })

  it('keeps the API message of a failed decode, and the newest click wins', async () => {
    let rejectFirst: (e: unknown) => void = () => {}
    mockApi.decode
      .mockImplementationOnce((_body: DecodeRequest, signal: AbortSignal) => new Promise((_, reject) => {
        rejectFirst = reject
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      }))
      .mockRejectedValueOnce(new ApiError('invalid_request', 'point must be two finite numbers', 400))
    const { result } = renderHook(() => useLatentExplorer({ models, model: 'mnist-vae' }))
    await waitFor(() => expect(result.current.map).not.toBeNull())
    act(() => result.current.decodePoint([1, 1]))
    act(() => result.current.decodePoint([2, 2]))
    await waitFor(() => expect(result.current.spot?.error?.message).toBe('point must be two finite numbers'))
    rejectFirst(new Error('late'))
    expect(result.current.spot?.point).toEqual([2, 2])
  })

  it('marks the code out of date when the latent model changes', async () => {
    const { result, rerender } = renderHook(({ model }) => useLatentExplorer({ models, model }), { initialProps: { model: 'mnist' } })
    act(() => result.current.encode(new Blob(['png']), 'mnist'))
    await waitFor(() => expect(result.current.encoded).not.toBeNull())
    rerender({ model: 'fashion-mnist' })
    expect(result.current.latentModel).toBe('fashion-mnist')
    expect(result.current.encodedStale).toBe(true)
    await waitFor(() => expect(result.current.map).not.toBeNull())
    act(() => result.current.reset())
    expect(result.current.encoded).toBeNull()
  })
})
