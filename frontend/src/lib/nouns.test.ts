import { describe, expect, it } from 'vitest'
import { drawPrompt, withArticle } from './nouns'

describe('nouns', () => {
  it('puts the right article before the noun', () => {
    expect(withArticle('digit')).toBe('a digit')
    expect(withArticle('clothing item')).toBe('a clothing item')
    expect(withArticle('image')).toBe('an image')
    expect(withArticle('Ankle boot')).toBe('an Ankle boot')
    expect(withArticle('9')).toBe('a 9')
    expect(withArticle('8')).toBe('an 8')
    expect(withArticle('11')).toBe('an 11')
    expect(withArticle('1')).toBe('a 1')
  })

  it('asks for a drawing, an upload or an example without saying "image" twice', () => {
    expect(drawPrompt('digit')).toBe('Draw a digit, upload an image or pick an example')
    expect(drawPrompt('image')).toBe('Draw an image, upload one or pick an example')
  })
})
