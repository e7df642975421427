/**
 * What a result reads as, in words (the `reading` of /denoise and /compare: a reference classifier's
 * class and probability for the input, the noisy and the denoised image). Shared by the results and
 * the Compare view; pure, so the sentences are tested word for word.
 */
import type { Read, Reading } from '../api'
import { withArticle } from './nouns'

/** A probability as a whole percentage, "97%"; "99%" (never "100%") below 1, "1%" (never "0%") above 0. */
export function percentOf(probability: number): string {
  const value = Math.round(probability * 100)
  if (probability < 1 && value >= 100) return '99%'
  if (probability > 0 && value <= 0) return '1%'
  return `${value}%`
}

/** The class and how sure: "4, 97%", "Ankle boot, 88%". */
export function classAndPercent(read: Read): string {
  return `${read.class_name}, ${percentOf(read.probability)}`
}

/** "reads as 4, 97%", "reads as Ankle boot, 88%". */
export function readsAs(read: Read): string {
  return `reads as ${classAndPercent(read)}`
}

/** A warning in two parts: the lead (shown in bold, the gist) and the detail. */
export interface ReadingWarning {
  why: 'class' | 'unsure' | 'changed'
  lead: string
  detail: string
}

interface WarningContext {
  /** "digit", "clothing item", "image" (the model's copy) */
  subject: string
  /** the server added noise (the demo): the input was clean, the model was given a noisy copy of it */
  added: boolean
}

/**
 * The warning when denoising changed what the image reads as (`reading.changed`), else null:
 * "Denoising changed the digit: the noisy 4 came out as a 9." (the 4 itself when no noise was added),
 * or "The model is unsure what this is: it reads as 9 at only 55%."
 */
export function readingWarning(reading: Reading | null | undefined, { subject, added }: WarningContext): ReadingWarning | null {
  if (!reading?.changed) return null
  const { input, denoised } = reading
  if (reading.why === 'class') {
    const before = added ? `the noisy ${input.class_name}` : `the ${input.class_name}`
    return { why: 'class', lead: `Denoising changed the ${subject}:`, detail: `${before} came out as ${withArticle(denoised.class_name)}.` }
  }
  if (reading.why === 'unsure') {
    return {
      why: 'unsure',
      lead: 'The model is unsure what this is:',
      detail: `it reads as ${denoised.class_name} at only ${percentOf(denoised.probability)}.`,
    }
  }
  return { why: 'changed', lead: `Check the denoised ${subject} by eye:`, detail: `it ${readsAs(denoised)}.` }
}

/** The whole warning as one sentence (tests, and where no bold lead is shown). */
export function warningText(warning: ReadingWarning): string {
  return `${warning.lead} ${warning.detail}`
}

/** Who reads the images: "“Reads as”: what mnist-classifier v1, a classifier trained apart from the denoiser, sees in each image." */
export function readerNote(reading: Reading): string {
  return `“Reads as”: what ${reading.classifier.name} v${reading.classifier.version}, a classifier trained apart from the denoiser, sees in each image.`
}

/**
 * What to say when there is no reading: for a model of your own images (its dataset has no
 * classifier), that nothing checks the result; for a built-in model, nothing (null).
 */
export function noReadingNote(own: boolean, subject: string): string | null {
  if (!own) return null
  return `No classifier knows your ${subject}s, so nothing checks what the denoised ${subject} shows: look at it yourself.`
}

/** A Compare card's mark when that method changed the class: "changed the 4 into a 9", "unsure what this is". */
export function cardWarning(reading: Reading | null | undefined): string | null {
  if (!reading?.changed) return null
  if (reading.why === 'class') return `changed the ${reading.input.class_name} into ${withArticle(reading.denoised.class_name)}`
  if (reading.why === 'unsure') return 'unsure what this is'
  return 'check by eye'
}

/**
 * One line over the Compare grid when some methods changed the class or left it unsure:
 * "Of 9 methods, 2 changed the digit and 1 left it unsure (marked ⚠)."; null when none did.
 */
export function changedSummary(readings: readonly (Reading | null | undefined)[], subject: string): string | null {
  const changed = readings.filter((r) => r?.changed)
  if (changed.length === 0) return null
  const classes = changed.filter((r) => r?.why === 'class').length
  const unsure = changed.length - classes
  const parts = [classes > 0 ? `${classes} changed the ${subject}` : null, unsure > 0 ? `${unsure} left it unsure` : null].filter(Boolean)
  const methods = readings.length === 1 ? 'method' : 'methods'
  return `Of ${readings.length} ${methods}, ${parts.join(' and ')} (marked ⚠).`
}
