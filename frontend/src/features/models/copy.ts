import type { ModelInfo } from '../../api'

/** Words that depend on what the model was trained on (its card's `dataset`). */
export interface ModelCopy {
  /** "digit", "clothing item" */
  subject: string
  title: string
  tagline: string
  padHint: string
  galleryTitle: string
}

const DIGITS: ModelCopy = {
  subject: 'digit',
  title: 'Digit denoiser',
  tagline: 'Upload a noisy digit, or draw one and add noise, and watch the autoencoder clean it up.',
  padHint: 'Draw a digit here, or drop / paste an image',
  galleryTitle: 'Example digits',
}

const FASHION: ModelCopy = {
  subject: 'clothing item',
  title: 'Fashion denoiser',
  tagline: 'Upload a noisy piece of clothing (a shirt, a shoe, a bag), or sketch one and add noise, and watch the autoencoder clean it up.',
  padHint: 'Sketch a piece of clothing here, or drop / paste an image',
  galleryTitle: 'Example clothing items',
}

/** The copy for a model, from the dataset named in its card (digits when unknown). */
export function modelCopy(info: Pick<ModelInfo, 'name' | 'metadata'> | null | undefined): ModelCopy {
  const dataset = String(info?.metadata.dataset ?? info?.name ?? '').toLowerCase()
  if (dataset.includes('fashion')) return FASHION
  if (dataset === '' || dataset.includes('mnist') || dataset.includes('digit')) return DIGITS
  const subject = 'image'
  return {
    subject,
    title: 'Image denoiser',
    tagline: `Upload a noisy image like the ${dataset} set, or draw one and add noise, and watch the autoencoder clean it up.`,
    padHint: 'Draw here, or drop / paste an image',
    galleryTitle: `Examples from ${dataset}`,
  }
}
