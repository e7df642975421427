import type { ModelInfo } from '../../api'
import { classNamesOf, ownData, subjectOf, type OwnData, type Subject } from './card'

/** Words that depend on what the model was trained on (its card: `dataset`, and `data` for your own images). */
export interface ModelCopy {
  /** what the images are (subjectOf) */
  kind: Subject
  /** the noun in sentences: "digit", "clothing item", "image" */
  subject: string
  /** trained on your own images (`denoiser train --data`) */
  own: boolean
  /** the class names of the card (your folders' names for your own images) */
  classNames: string[]
  title: string
  tagline: string
  padHint: string
  galleryTitle: string
  /** for your own images, what the card says about them (counts and classes); null otherwise */
  about: string | null
}

type Words = Omit<ModelCopy, 'own' | 'classNames' | 'about'>

const DIGITS: Words = {
  kind: 'digit',
  subject: 'digit',
  title: 'Digit denoiser',
  tagline: 'Upload a noisy digit, or draw one and add noise, and watch the autoencoder clean it up.',
  padHint: 'Draw a digit here, or drop / paste an image',
  galleryTitle: 'Example digits',
}

const FASHION: Words = {
  kind: 'garment',
  subject: 'clothing item',
  title: 'Fashion denoiser',
  tagline: 'Upload a noisy piece of clothing (a shirt, a shoe, a bag), or sketch one and add noise, and watch the autoencoder clean it up.',
  padHint: 'Sketch a piece of clothing here, or drop / paste an image',
  galleryTitle: 'Example clothing items',
}

const YOUR_DIGITS: Words = {
  ...DIGITS,
  tagline: 'Upload a noisy digit like the ones it learned from, or draw one and add noise, and watch the autoencoder clean it up.',
  galleryTitle: 'Examples of your digits',
}

const YOUR_IMAGES: Words = {
  kind: 'image',
  subject: 'image',
  title: 'Your image denoiser',
  tagline: 'Upload a noisy image like the ones it learned from, or draw one and add noise, and watch the autoencoder clean it up.',
  padHint: 'Draw here, or drop / paste one of your images',
  galleryTitle: 'Examples of your images',
}

const MAX_NAMES = 8

/** "Bag, Coat and Dress"; past MAX_NAMES, "A, B, ... H and 4 more". */
export function listNames(names: readonly string[]): string {
  const shown = names.length > MAX_NAMES ? [...names.slice(0, MAX_NAMES), `${names.length - MAX_NAMES} more`] : [...names]
  return shown.length < 2 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`
}

/**
 * One sentence from the card's `data` entry, classes first (a phone shows two lines of it): "Trained on
 * your images: 10 classes from your folders (Ankle boot, Bag, ... and 2 more); 270 training and 30 test images."
 */
export function aboutOwnData(data: OwnData, noun: string): string {
  const nouns = `${noun}s`
  const counts = data.nTrain !== null && data.nTest !== null
    ? `${data.nTrain.toLocaleString('en')} training and ${data.nTest.toLocaleString('en')} test ${nouns}`
    : null
  const classes = data.classNames.length > 1
    ? `${data.classNames.length} classes from your folders (${listNames(data.classNames)})`
    : data.classNames.length === 1 ? `one folder (${data.classNames[0]}), no classes` : null
  const details = [classes, counts].filter(Boolean).join('; ')
  return `Trained on your ${nouns}${details ? `: ${details}` : ''}.`
}

/** The copy for a model, from its card (digits when unknown). */
export function modelCopy(info: Pick<ModelInfo, 'name' | 'metadata'> | null | undefined): ModelCopy {
  const card = info?.metadata
  const kind = subjectOf(card, info?.name)
  const data = ownData(card)
  if (data) {
    const words = kind === 'digit' ? YOUR_DIGITS : YOUR_IMAGES
    return { ...words, own: true, classNames: data.classNames, about: aboutOwnData(data, words.subject) }
  }
  const base = { own: false, classNames: classNamesOf(card), about: null }
  if (kind === 'garment') return { ...FASHION, ...base }
  if (kind === 'digit') return { ...DIGITS, ...base }
  const dataset = String(card?.dataset ?? info?.name ?? '')
  return {
    ...base,
    kind: 'image',
    subject: 'image',
    title: 'Image denoiser',
    tagline: `Upload a noisy image like the ${dataset} set, or draw one and add noise, and watch the autoencoder clean it up.`,
    padHint: 'Draw here, or drop / paste an image',
    galleryTitle: `Examples from ${dataset}`,
  }
}
