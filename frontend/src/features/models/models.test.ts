import { renderHook, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { NetworkError } from '../../api'
import { modelCopy } from './copy'
import { useModels } from './useModels'

const mockApi = vi.hoisted(() => ({ models: vi.fn() }))
vi.mock('../../api', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api')>()), api: mockApi }))

const answer = {
  default: 'mnist',
  models: [
    { name: 'mnist', version: 4, versions: [4], metadata: { dataset: 'mnist' } },
    { name: 'fashion-mnist', version: 1, versions: [1], metadata: { dataset: 'fashion-mnist' } },
  ],
}

beforeEach(() => vi.clearAllMocks())

describe('useModels', () => {
  it('fetches /models once, keeps a known model from the URL and falls back to the default', async () => {
    mockApi.models.mockResolvedValue(answer)
    const known = renderHook(({ ready }) => useModels('fashion-mnist', ready), { initialProps: { ready: false } })
    await waitFor(() => expect(known.result.current.models).toHaveLength(2))
    expect(known.result.current.model).toBe('fashion-mnist')
    expect(known.result.current.info?.version).toBe(1)
    known.rerender({ ready: true })
    expect(mockApi.models).toHaveBeenCalledTimes(1)
    const unknown = renderHook(() => useModels('nope', true))
    await waitFor(() => expect(unknown.result.current.model).toBe('mnist'))
  })

  it('asks again once the API becomes ready after a failed first call', async () => {
    mockApi.models.mockRejectedValueOnce(new NetworkError()).mockResolvedValue(answer)
    const { result, rerender } = renderHook(({ ready }) => useModels(undefined, ready), { initialProps: { ready: false } })
    await waitFor(() => expect(mockApi.models).toHaveBeenCalledTimes(1))
    expect(result.current.models).toBeNull()
    rerender({ ready: true })
    await waitFor(() => expect(result.current.models).toHaveLength(2))
    expect(mockApi.models).toHaveBeenCalledTimes(2)
  })
})

describe('modelCopy', () => {
  it('follows the dataset of the model card', () => {
    expect(modelCopy({ name: 'mnist', metadata: { dataset: 'mnist' } }).title).toBe('Digit denoiser')
    const fashion = modelCopy({ name: 'x', metadata: { dataset: 'fashion-mnist' } })
    expect(fashion.galleryTitle).toBe('Example clothing items')
    expect(Object.values(fashion).join(' ')).not.toMatch(/digit/i)
    expect(modelCopy(null).subject).toBe('digit')
    expect(modelCopy({ name: 'kmnist', metadata: { dataset: 'kuzushiji' } }).title).toBe('Image denoiser')
  })
})

describe('groupByDataset', () => {
  it('groups models by the dataset of their cards, keeping their order', async () => {
    const { groupByDataset } = await import('./groups')
    const info = (name: string, dataset?: string) => ({ name, version: 1, versions: [1], metadata: { dataset } })
    const groups = groupByDataset([info('fashion-mnist', 'fashion-mnist'), info('mnist', 'mnist'),
      info('mnist-conv', 'mnist'), info('custom')])
    expect(groups.map((g) => g.dataset)).toEqual(['fashion-mnist', 'mnist', 'other'])
    expect(groups[1].models.map((m) => m.name)).toEqual(['mnist', 'mnist-conv'])
  })
})
