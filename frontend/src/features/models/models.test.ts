import { renderHook, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { NetworkError } from '../../api'
import { aboutOwnData, listNames, modelCopy } from './copy'
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

  it('says "your images" for a model trained on your own images, with its card\'s classes', () => {
    const data = { path: 'my-images', class_names: ['Bag', 'Coat', 'Sneaker'], n_train: 270, n_test: 30 }
    const copy = modelCopy({ name: 'mine', metadata: { dataset: 'mine', data } })
    expect(copy).toMatchObject({ kind: 'image', subject: 'image', own: true, galleryTitle: 'Examples of your images' })
    expect(copy.classNames).toEqual(['Bag', 'Coat', 'Sneaker'])
    expect(copy.about).toBe('Trained on your images: 3 classes from your folders (Bag, Coat and Sneaker); 270 training and 30 test images.')
    expect(Object.values(copy).join(' ')).not.toMatch(/digit/i)
    expect(modelCopy({ name: 'mnist', metadata: { dataset: 'mnist' } })).toMatchObject({ own: false, about: null })
  })

  it('keeps digit words for your own digits', () => {
    const digits = Array.from({ length: 10 }, (_, i) => String(i))
    const copy = modelCopy({ name: 'my-digits', metadata: { dataset: 'my-digits', data: { class_names: digits, n_train: 900, n_test: 100 } } })
    expect(copy).toMatchObject({ kind: 'digit', subject: 'digit', own: true, galleryTitle: 'Examples of your digits' })
    expect(copy.about).toBe('Trained on your digits: 10 classes from your folders (0, 1, 2, 3, 4, 5, 6, 7 and 2 more); 900 training and 100 test digits.')
  })
})

describe('aboutOwnData', () => {
  const data = { path: null, preprocess: null, reason: null, classNames: [] as string[], nTrain: null, nTest: null }
  it('says what is known, and a flat folder has no classes', () => {
    expect(aboutOwnData(data, 'image')).toBe('Trained on your images.')
    expect(aboutOwnData({ ...data, classNames: ['scans'], nTrain: 1234, nTest: 137 }, 'image')).toBe(
      'Trained on your images: one folder (scans), no classes; 1,234 training and 137 test images.',
    )
  })
  it('lists at most eight class names', () => {
    expect(listNames(['a'])).toBe('a')
    expect(listNames(['a', 'b'])).toBe('a and b')
    expect(listNames('abcdefghij'.split(''))).toBe('a, b, c, d, e, f, g, h and 2 more')
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
    expect(groups.map((g) => g.label)).toEqual(['fashion-mnist', 'mnist', 'other'])
  })

  it('labels the group of a model trained on your own images', async () => {
    const { groupByDataset } = await import('./groups')
    const mine = { name: 'mine', version: 1, versions: [1], metadata: { dataset: 'mine', data: { class_names: ['Bag'] } } }
    expect(groupByDataset([mine]).map((g) => g.label)).toEqual(['mine (your images)'])
  })
})
