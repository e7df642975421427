import { describe, expect, it } from 'vitest'
import type { Read, Reading } from '../api'
import { cardWarning, changedSummary, noReadingNote, percentOf, readerNote, readingWarning, readsAs, warningText } from './reading'

const read = (class_name: string, probability: number, label = Number(class_name) || 0): Read => ({ label, class_name, probability })

function reading(input: Read, noisy: Read, denoised: Read, why: Reading['why'] = null): Reading {
  return {
    classifier: { name: 'mnist-classifier', version: 1 },
    input,
    noisy,
    denoised,
    risk: 1 - denoised.probability,
    changed: why !== null,
    why,
  }
}

describe('reading words', () => {
  it('says what an image reads as, in whole percent that never round to 0 or 100', () => {
    expect(readsAs(read('4', 0.973))).toBe('reads as 4, 97%')
    expect(readsAs(read('Ankle boot', 0.88, 9))).toBe('reads as Ankle boot, 88%')
    expect(percentOf(1)).toBe('100%')
    expect(percentOf(0.9996)).toBe('99%')
    expect(percentOf(0.002)).toBe('1%')
    expect(percentOf(0)).toBe('0%')
  })

  it('warns when denoising changed the class: the noisy 4 when noise was added, the 4 itself when not', () => {
    const changed = reading(read('4', 1), read('8', 0.65), read('9', 0.58), 'class')
    const added = readingWarning(changed, { subject: 'digit', added: true })
    expect(added).toEqual({ why: 'class', lead: 'Denoising changed the digit:', detail: 'the noisy 4 came out as a 9.' })
    expect(warningText(added!)).toBe('Denoising changed the digit: the noisy 4 came out as a 9.')
    expect(warningText(readingWarning(changed, { subject: 'digit', added: false })!)).toBe('Denoising changed the digit: the 4 came out as a 9.')
    const toEight = reading(read('3', 1), read('3', 0.9), read('8', 0.49), 'class')
    expect(warningText(readingWarning(toEight, { subject: 'digit', added: true })!)).toBe('Denoising changed the digit: the noisy 3 came out as an 8.')
    const garment = reading(read('Ankle boot', 0.99, 9), read('Bag', 0.4, 8), read('Sneaker', 0.7, 7), 'class')
    expect(warningText(readingWarning(garment, { subject: 'clothing item', added: true })!)).toBe(
      'Denoising changed the clothing item: the noisy Ankle boot came out as a Sneaker.',
    )
  })

  it('warns when the denoised reading is unsure', () => {
    const unsure = reading(read('9', 0.99), read('8', 0.5), read('9', 0.55), 'unsure')
    expect(warningText(readingWarning(unsure, { subject: 'digit', added: true })!)).toBe('The model is unsure what this is: it reads as 9 at only 55%.')
    expect(readingWarning(unsure, { subject: 'digit', added: true })?.why).toBe('unsure')
  })

  it('says nothing when the class held, or without a reading', () => {
    expect(readingWarning(reading(read('4', 1), read('8', 0.6), read('4', 0.97)), { subject: 'digit', added: true })).toBeNull()
    expect(readingWarning(null, { subject: 'digit', added: true })).toBeNull()
    expect(readingWarning(undefined, { subject: 'digit', added: false })).toBeNull()
  })

  it('names the classifier, and for your own images says that none reads them', () => {
    expect(readerNote(reading(read('4', 1), read('4', 1), read('4', 1)))).toBe(
      '“Reads as”: what mnist-classifier v1, a classifier trained apart from the denoiser, sees in each image.',
    )
    expect(noReadingNote(true, 'image')).toBe('No classifier knows your images, so nothing checks what the denoised image shows: look at it yourself.')
    expect(noReadingNote(true, 'digit')).toBe('No classifier knows your digits, so nothing checks what the denoised digit shows: look at it yourself.')
    expect(noReadingNote(false, 'clothing item')).toBeNull()
  })

  it('marks a Compare card and sums the marks up', () => {
    const kept = reading(read('4', 1), read('8', 0.6), read('4', 0.97))
    const changed = reading(read('4', 1), read('8', 0.6), read('8', 0.97), 'class')
    const unsure = reading(read('4', 1), read('8', 0.6), read('4', 0.6), 'unsure')
    expect(cardWarning(kept)).toBeNull()
    expect(cardWarning(null)).toBeNull()
    expect(cardWarning(changed)).toBe('changed the 4 into an 8')
    expect(cardWarning(unsure)).toBe('unsure what this is')
    expect(changedSummary([kept, changed, changed, unsure, null], 'digit')).toBe('Of 5 methods, 2 changed the digit and 1 left it unsure (marked ⚠).')
    expect(changedSummary([kept, unsure], 'digit')).toBe('Of 2 methods, 1 left it unsure (marked ⚠).')
    expect(changedSummary([kept, null], 'digit')).toBeNull()
  })
})
