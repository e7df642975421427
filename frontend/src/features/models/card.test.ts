import { describe, expect, it } from 'vitest'
import { classNamesOf, ownData, subjectOf } from './card'

/** The card `denoiser train --data my-images --name mine` writes (the keys the UI reads). */
const mine = {
  name: 'mine',
  dataset: 'mine',
  class_names: ['Bag', 'Coat', 'Sneaker'],
  preprocess: 'resize',
  data: {
    path: '/home/me/my-images',
    preprocess: 'resize',
    reason: 'images are small (28 px at most) and light on a dark background',
    class_names: ['Bag', 'Coat', 'Sneaker'],
    n_train: 270,
    n_val: null,
    n_test: 30,
  },
}

describe('ownData', () => {
  it('reads the data entry of a model trained on your images', () => {
    expect(ownData(mine)).toEqual({
      path: '/home/me/my-images',
      preprocess: 'resize',
      reason: 'images are small (28 px at most) and light on a dark background',
      classNames: ['Bag', 'Coat', 'Sneaker'],
      nTrain: 270,
      nTest: 30,
    })
  })

  it('is null for the built-in datasets and tolerates odd values', () => {
    expect(ownData({ dataset: 'mnist' })).toBeNull()
    expect(ownData(null)).toBeNull()
    expect(ownData(undefined)).toBeNull()
    expect(ownData({ data: 'my-images' })).toBeNull()
    expect(ownData({ data: ['x'] })).toBeNull()
    const odd = ownData({ class_names: ['a', 'b'], data: { path: 3, preprocess: 'sharpen', class_names: 'a', n_train: -1, n_test: '30' } })
    expect(odd).toEqual({ path: null, preprocess: null, reason: null, classNames: ['a', 'b'], nTrain: null, nTest: null })
  })
})

describe('classNamesOf', () => {
  it('prefers your folders, then the card, and keeps only strings', () => {
    expect(classNamesOf(mine)).toEqual(['Bag', 'Coat', 'Sneaker'])
    expect(classNamesOf({ class_names: ['0', 1, '2'] })).toEqual(['0', '2'])
    expect(classNamesOf({})).toEqual([])
  })
})

describe('subjectOf', () => {
  it('calls your own images "image", unless their class folders are digits', () => {
    expect(subjectOf(mine)).toBe('image')
    expect(subjectOf({ ...mine, dataset: 'mnist-like' })).toBe('image')
    const digits = Array.from({ length: 10 }, (_, i) => String(i))
    expect(subjectOf({ dataset: 'my-digits', data: { class_names: digits } })).toBe('digit')
    expect(subjectOf({ dataset: 'scans', data: { class_names: ['scans'] } })).toBe('image')
  })

  it('follows the dataset (or the model name) for the built-in models', () => {
    expect(subjectOf({ dataset: 'mnist' })).toBe('digit')
    expect(subjectOf({ dataset: 'fashion-mnist' })).toBe('garment')
    expect(subjectOf({}, 'fashion-mnist-vae')).toBe('garment')
    expect(subjectOf({ dataset: 'kuzushiji' })).toBe('image')
    expect(subjectOf(null)).toBe('digit')
  })
})
