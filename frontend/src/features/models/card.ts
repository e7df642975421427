import type { ModelMetadata } from '../../api'

/**
 * Typed, defensive reads of model-card keys the generated API types leave open. The card is a loose
 * record (metadata.json passes through), so every key is checked before it is trusted.
 */
type Card = ModelMetadata | Record<string, unknown> | null | undefined

/** The card's `data` entry, written by `denoiser train --data PATH`: the model was trained on your images. */
export interface OwnData {
  /** the folder, .npz or IDX directory it was trained on, as given */
  path: string | null
  /** how the images became 28x28 */
  preprocess: 'mnist' | 'resize' | null
  /** why that preprocessing was chosen, as `denoiser train` printed it */
  reason: string | null
  /** from the class subfolders; one name (the folder's) for a flat folder */
  classNames: string[]
  nTrain: number | null
  nTest: number | null
}

/** What kind of picture a model works on: "digit" (MNIST, your digits), "garment" (Fashion-MNIST), "image" (anything else). */
export type Subject = 'digit' | 'garment' | 'image'

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null)
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null)
const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/** The card's `data` entry, or null for a model of a built-in dataset (or a card without one). */
export function ownData(card: Card): OwnData | null {
  const data = isRecord(card) ? card.data : undefined
  if (!isRecord(data)) return null
  const preprocess = data.preprocess === 'mnist' || data.preprocess === 'resize' ? data.preprocess : null
  return {
    path: text(data.path),
    preprocess,
    reason: text(data.reason),
    classNames: names(data.class_names).length > 0 ? names(data.class_names) : names(isRecord(card) ? card.class_names : undefined),
    nTrain: count(data.n_train),
    nTest: count(data.n_test),
  }
}

/** The class names of a card: those of its data entry (your folders), else its own `class_names`. */
export function classNamesOf(card: Card): string[] {
  return ownData(card)?.classNames ?? names(isRecord(card) ? card.class_names : undefined)
}

/** Every class is a single digit ("0".."9"): the images are digits, whoever collected them. */
const digitClasses = (classes: string[]) => classes.length > 0 && classes.every((name) => /^\d$/.test(name.trim()))

/**
 * What the model's images are, from its card: your own images are "image" unless their class folders
 * are digits; else the card's dataset (or, without one, the model's name) decides. Unknown: "digit".
 */
export function subjectOf(card: Card, name?: string): Subject {
  const own = ownData(card)
  if (own) return digitClasses(own.classNames) ? 'digit' : 'image'
  const dataset = String((isRecord(card) ? card.dataset : undefined) ?? name ?? '').toLowerCase()
  if (dataset.includes('fashion')) return 'garment'
  if (dataset === '' || dataset.includes('mnist') || dataset.includes('digit')) return 'digit'
  return 'image'
}
