/** Nouns for the thing a model works on ("digit", "clothing item", "image"), in sentences. */

/** "a digit", "a clothing item", "an image"; numbers as they are said: "a 9", "an 8", "an 11". */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) || /^(8|1[18](\D|$))/.test(noun) ? 'an' : 'a'} ${noun}`
}

/**
 * The prompt of an empty view: "Draw a digit, upload an image or pick an example"; for images,
 * "Draw an image, upload one or pick an example" (not "upload an image" twice).
 */
export function drawPrompt(noun: string): string {
  return `Draw ${withArticle(noun)}, upload ${noun === 'image' ? 'one' : 'an image'} or pick an example`
}
