import { describe, expect, it } from 'vitest'
import type { ModelInfo, Neighbour } from '../../api'
import { datasetName, morphLabel, percent, pickLatentModel, plural, typicalitySentence, voteSentence } from './words'

const neighbours = (labels: number[]): Neighbour[] => labels.map((label, i) => ({ point: i, index: 100 + i, label, distance: i }))

describe('vote wording', () => {
  it('says where the image sits among its nearest test images', () => {
    const vote = { label: 7, class_name: '7', share: 0.9 }
    expect(voteSentence('Your drawing', vote, neighbours([7, 7, 7, 1, 7, 7, 7, 7, 7, 7]), 'digit')).toBe(
      'Your drawing sits among the 7s (9 of its 10 nearest test digits are 7s).',
    )
    expect(voteSentence('The example', { ...vote, share: 1 }, neighbours(Array(10).fill(7)), 'digit')).toBe(
      'The example sits among the 7s (all 10 of its nearest test digits are 7s).',
    )
    expect(voteSentence('Your drawing', { label: 4, class_name: '4', share: 0.4 }, neighbours([4, 4, 4, 4, 9, 9, 9, 1, 7, 2]), 'digit')).toBe(
      'Your drawing sits between classes: of its 10 nearest test digits, the most common are 4s (4 of 10).',
    )
    expect(voteSentence('Your drawing', { label: 3, class_name: 'Dress', share: 0.8 }, undefined, 'clothing item')).toBe(
      'Your drawing sits among the Dresses (80% of its nearest test clothing items are Dresses).',
    )
  })

  it('makes plurals and dataset names', () => {
    expect(plural('7')).toBe('7s')
    expect(plural('digit')).toBe('digits')
    expect(plural('Dress')).toBe('Dresses')
    expect(plural('clothing item')).toBe('clothing items')
    expect(datasetName('mnist')).toBe('MNIST')
    expect(datasetName('fashion-mnist')).toBe('Fashion-MNIST')
    expect(datasetName(undefined)).toBe('the training set')
  })
})

describe('typicality wording', () => {
  it('is a polite warning when the image is unlike the test set', () => {
    expect(typicalitySentence({ score: 312.4, percentile: 99.6, typical: false }, 'mnist', 'digit')).toBe(
      'This does not look like a digit the model has seen: it is less typical than 99.6% of test digits (reconstruction error 312.4). The denoised image may be a guess.',
    )
    expect(typicalitySentence({ score: 336, percentile: 99.97, typical: false }, 'mnist', 'digit')).toBe(
      'This does not look like a digit the model has seen: it is less typical than any of the test digits (reconstruction error 336). The denoised image may be a guess.',
    )
  })
  it('says that the noise is part of why a noisy image looks unusual', () => {
    expect(typicalitySentence({ score: 55.94, percentile: 100, typical: false }, 'mnist', 'digit', true)).toBe(
      'Your image is less typical than any of the test digits (reconstruction error 55.9), partly because of its own noise. Check the denoised image by eye.',
    )
  })
  it('is a quiet line when typical', () => {
    expect(typicalitySentence({ score: 93.1, percentile: 42.0, typical: true }, 'mnist', 'digit')).toBe(
      'Typical for MNIST: more typical than 58% of test digits.',
    )
    expect(percent(99.04)).toBe('99')
    expect(percent(100)).toBe('100')
    expect(percent(0.4)).toBe('0.4')
  })
  it('speaks of your images, not a dataset or "a digit", for a model trained on your own images', () => {
    expect(typicalitySentence({ score: 40, percentile: 99.6, typical: false }, 'mine', 'image', false, true)).toBe(
      'This does not look like your images: it is less typical than 99.6% of your test images (reconstruction error 40). The denoised image may be a guess.',
    )
    expect(typicalitySentence({ score: 40, percentile: 100, typical: false }, 'mine', 'image', true, true)).toBe(
      'Your image is less typical than any of your test images (reconstruction error 40), partly because of its own noise. Check the denoised image by eye.',
    )
    expect(typicalitySentence({ score: 9, percentile: 30, typical: true }, 'mine', 'image', false, true)).toBe(
      'Typical for your images: more typical than 70% of your test images.',
    )
    expect(typicalitySentence({ score: 40, percentile: 99.6, typical: false }, 'kuzushiji', 'image')).toMatch(/^This does not look like an image the model has seen/)
  })
})

describe('the latent model', () => {
  const info = (name: string, version: number, metadata: ModelInfo['metadata']): ModelInfo => ({ name, version, versions: [version], metadata })
  const unet = info('mnist', 5, { dataset: 'mnist', arch: 'unet' })
  const vae = info('mnist-vae', 1, { dataset: 'mnist', arch: 'vae', has_decode: true })
  const fashion = info('fashion-mnist', 1, { dataset: 'fashion-mnist' })

  it('is the denoiser when it can decode', () => {
    expect(pickLatentModel([unet, vae], 'mnist-vae')).toMatchObject({ name: 'mnist-vae', version: 1, canDecode: true, note: null })
  })
  it('is a decoding model of the same dataset otherwise, and says why', () => {
    expect(pickLatentModel([unet, vae, fashion], 'mnist')).toEqual({
      name: 'mnist-vae',
      version: 1,
      canDecode: true,
      note: 'Latent view uses mnist-vae v1: mnist v5 (the denoiser) cannot draw from a code.',
      decoders: ['mnist-vae v1'],
    })
  })
  it('prefers a VAE of the same dataset over other decoding models', () => {
    const dense = info('mnist-dense', 1, { dataset: 'mnist', arch: 'dense', has_decode: true })
    expect(pickLatentModel([unet, dense, vae], 'mnist')).toMatchObject({ name: 'mnist-vae', canDecode: true })
    expect(pickLatentModel([unet, dense], 'mnist')).toMatchObject({ name: 'mnist-dense', canDecode: true })
  })
  it('falls back to the denoiser, decoding off, naming the models that can', () => {
    const choice = pickLatentModel([unet, vae, fashion], 'fashion-mnist')
    expect(choice).toMatchObject({ name: 'fashion-mnist', canDecode: false })
    expect(choice.note).toBe(
      'fashion-mnist v1 cannot draw from a code, so the map shows where images lie but cannot be decoded. Models that can, trained on other images: mnist-vae v1.',
    )
    expect(pickLatentModel([unet], 'mnist').note).toMatch(/None of the served models can\.$/)
    expect(pickLatentModel(null, 'mnist')).toMatchObject({ name: 'mnist', canDecode: false, note: null })
  })
})

describe('morph label', () => {
  it('names both ends', () => {
    expect(morphLabel('your drawing', { kind: 'point', point: [1, 2] }, '3')).toBe('From your drawing to the clicked 3')
    expect(morphLabel('your drawing', { kind: 'point', point: [1, 2] }, null)).toBe('From your drawing to the clicked spot')
    expect(morphLabel('the example', { kind: 'example', index: 1, className: '3' }, null)).toBe('From the example to example 2 (3)')
  })
})
