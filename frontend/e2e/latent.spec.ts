import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { SCREENSHOT_DIR, drawSeven, expect, expectResults, stroke, test, touchStroke } from './fixtures'

/**
 * The latent explorer (issue 11) against the real API: the default denoiser (mnist, a U-Net) cannot
 * decode, so the latent view uses mnist-vae; hover previews a test digit, a click or a tap decodes a
 * spot, the morph strip shows 8 steps. Screenshots of the panel on a phone and a desktop.
 */

interface Served {
  default: string
  models: { name: string; metadata: { has_decode?: boolean; dataset?: string } }[]
}

async function decoderServed(page: Page): Promise<boolean> {
  const served = (await (await page.request.get('/models')).json()) as Served
  return served.models.some((m) => m.metadata.has_decode === true)
}

/** A screenshot of one element (the explorer panel) into the screenshots folder. */
async function shoot(locator: Locator, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await locator.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`) })
}

/** A finger on an element (CDP touch events, as a phone sends them), at fractions of its size. */
async function touch(page: Page, target: Locator, points: [number, number][]) {
  const box = await target.boundingBox()
  if (!box) throw new Error('touch target not visible')
  const cdp = await page.context().newCDPSession(page)
  const at = ([fx, fy]: [number, number]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height })
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(points[0])] })
  for (const point of points.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(point)] })
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

/** A 28x28 <img> that has loaded. */
async function expectLoaded28(img: Locator) {
  await expect(img).toHaveAttribute('src', /^data:image\/png;base64,/)
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => [el.complete, el.naturalWidth, el.naturalHeight])).toEqual([true, 28, 28])
}

/** How many pixels of a canvas are not black (the sprite cell has a digit drawn on it). */
async function litPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const data = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data
    let lit = 0
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 60) lit += 1
    return lit
  })
}

async function expectAxeClean(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).include('section.latent').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
  expect(report, `axe violations (${label})`).toEqual([])
}

test.describe('desktop 1280x900', () => {
  test.use({ viewport: { width: 1280, height: 900 } })

  test('hover previews a test digit, a click decodes, the morph strip has 8 steps', async ({ page, consoleErrors }) => {
    void consoleErrors
    await page.goto('/')
    await expect(page.getByText('API ready')).toBeVisible()
    test.skip(!(await decoderServed(page)), 'no model with a decoder under models/')
    await expect(page.getByRole('button', { name: /^Example 1:/ })).toBeVisible()

    const panel = page.locator('section.latent')
    // the default denoiser cannot decode: the latent view says which model it uses and why
    await expect(page.getByTestId('latent-model-note')).toHaveText(/^Latent view uses \S+ v\d+: \S+ v\d+ \(the denoiser\) cannot draw from a code\.$/)

    await drawSeven(page)
    await expectResults(page)
    await expect(page.getByRole('img', { name: /^Latent map of the test set with your image at/ })).toBeVisible()
    await expect(page.getByTestId('latent-vote')).toHaveText(/^Your drawing sits (among the \S+ \(|between classes)/)
    await expect(page.getByTestId('typicality')).toHaveText(/^(Typical for MNIST: more typical than|This does not look like a digit)/)
    await expect(page.getByTestId('latent-unusual')).toHaveText(/^(The most unusual numbers: #\d+ \([+−]\d+\.\d sd\)|No number is far from usual)/)
    await expect(panel).not.toContainText('max')

    // hover: the nearest test digit, drawn from the sprite, with its label
    const map = page.getByTestId('latent-map')
    /** Mouse position at fractions of the map, measured now (the page may have scrolled). */
    const on = async (fx: number, fy: number): Promise<[number, number]> => {
      await map.scrollIntoViewIfNeeded()
      const box = (await map.boundingBox())!
      return [box.x + box.width * fx, box.y + box.height * fy]
    }
    await page.mouse.move(...(await on(0.5, 0.5)))
    await page.mouse.move(...(await on(0.45, 0.55)), { steps: 4 })
    await expect(page.getByTestId('latent-preview')).toHaveText(/^Labelled \S+, test image #\d+\.$/)
    const cell = page.getByRole('img', { name: /^Test digit labelled / })
    await expect.poll(() => litPixels(cell)).toBeGreaterThan(20)

    // click: what the model draws at that spot
    await page.mouse.click(...(await on(0.3, 0.6)))
    const decoded = page.getByRole('img', { name: 'Decoded image, 28 by 28 pixels' })
    await expectLoaded28(decoded)
    await expect(page.getByTestId('decoded-caption')).toHaveText(/^What the model mnist-vae v\d+ draws at this spot/)

    // the morph from the drawing to the clicked spot: 8 decoded steps
    const strip = page.getByRole('list', { name: 'Morph in 8 steps' })
    await expect(strip.getByRole('img')).toHaveCount(8)
    for (const img of await strip.getByRole('img').all()) await expectLoaded28(img)
    await expect(page.getByTestId('morph-label')).toHaveText(/^From your drawing to the clicked \S+$/)
    const slider = page.getByRole('slider', { name: 'Morph step' })
    await slider.focus()
    await page.keyboard.press('Home')
    await expect(slider).toHaveAttribute('aria-valuetext', 'Step 1 of 8')

    // a second click replaces the decoded image
    const first = await decoded.getAttribute('src')
    await page.mouse.click(...(await on(0.75, 0.25)))
    await expect(decoded).not.toHaveAttribute('src', first!)

    // morph to a gallery example instead
    await page.getByRole('combobox', { name: 'or an example' }).selectOption({ index: 2 })
    await expect(page.getByTestId('morph-label')).toHaveText(/^From your drawing to example 2 \(\S+\)$/)
    await expect(strip.getByRole('img')).toHaveCount(8)

    await page.mouse.move(...(await on(0.5, 0.5)))
    await page.waitForTimeout(300)
    await shoot(panel, 'latent-desktop-light')
    await expectAxeClean(page, 'light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shoot(panel, 'latent-desktop-dark')
    await expectAxeClean(page, 'dark')
  })

  test('keyboard: the map takes the focus, arrows move a cursor, Enter decodes', async ({ page, consoleErrors }) => {
    void consoleErrors
    await page.goto('/')
    await expect(page.getByText('API ready')).toBeVisible()
    test.skip(!(await decoderServed(page)), 'no model with a decoder under models/')
    await drawSeven(page)
    await expectResults(page)
    const map = page.getByRole('application', { name: /^Latent map explorer/ })
    await map.focus()
    await expect(map).toBeFocused()
    await expect(page.getByTestId('latent-preview')).toHaveText(/^Labelled /)
    await page.keyboard.press('Shift+ArrowRight')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('Enter')
    await expectLoaded28(page.getByRole('img', { name: 'Decoded image, 28 by 28 pixels' }))
    // the focus ring is visible on the map (after keyboard navigation)
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Tab')
    await expect(map).toBeFocused()
    expect(await map.evaluate((el) => getComputedStyle(el).outlineWidth)).toBe('3px')
  })
})

test('an image unlike any digit gets a polite notice beside the results', async ({ page, consoleErrors }) => {
  void consoleErrors
  await page.goto('/')
  await expect(page.getByText('API ready')).toBeVisible()
  const served = (await (await page.request.get('/models')).json()) as Served
  test.skip(!served.models.some((m) => m.metadata.has_decode && m.metadata.dataset === 'mnist'), 'no MNIST VAE: no typicality')
  // a dense zigzag over the whole pad: ink everywhere, nothing like a digit
  const zigzag: [number, number][] = []
  for (let i = 0; i <= 8; i += 1) zigzag.push([i % 2 === 0 ? 0.08 : 0.92, 0.08 + i * 0.105])
  await stroke(page, zigzag)
  await stroke(page, zigzag.map(([x, y]) => [y, x]))
  await expectResults(page)
  const note = page.getByTestId('typicality')
  await expect(note).toHaveAttribute('data-typical', 'false')
  await expect(note).toHaveText(
    /^This does not look like a digit the model has seen: it is less typical than (\d+(\.\d)?% of|any of the) test digits \(reconstruction error \d+(\.\d)?\)\. The denoised image may be a guess\.$/,
  )
  await shoot(page.locator('.results-stack'), 'latent-atypical')
})

test.describe('phone 390x844 with touch', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })

  test('a touch drag previews, a tap on the map decodes', async ({ page, consoleErrors }) => {
    void consoleErrors
    await page.goto('/')
    await expect(page.getByText('API ready')).toBeVisible()
    test.skip(!(await decoderServed(page)), 'no model with a decoder under models/')
    await expect(page.getByRole('button', { name: /^Example 1:/ })).toBeVisible()
    await touchStroke(page, [
      [0.28, 0.25],
      [0.72, 0.25],
      [0.45, 0.8],
    ])
    await expectResults(page)
    expect(await page.evaluate(() => window.scrollY)).toBe(0)

    const map = page.getByTestId('latent-map')
    await map.scrollIntoViewIfNeeded()
    await expect(page.getByRole('img', { name: /^Latent map of the test set with your image at/ })).toBeVisible()
    // a margin beside the map to scroll the page with a finger
    const box = (await map.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(24)
    expect(390 - (box.x + box.width)).toBeGreaterThanOrEqual(24)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

    // drag: the preview follows the finger; lifting it decodes where it was lifted
    await touch(page, map, [
      [0.2, 0.2],
      [0.35, 0.4],
      [0.5, 0.5],
    ])
    await expect(page.getByTestId('latent-preview')).toHaveText(/^Labelled \S+, test image #\d+\.$/)
    const decoded = page.getByRole('img', { name: 'Decoded image, 28 by 28 pixels' })
    await expectLoaded28(decoded)
    const first = await decoded.getAttribute('src')

    // a plain tap elsewhere decodes that spot
    await touch(page, map, [[0.8, 0.3]])
    await expect(decoded).not.toHaveAttribute('src', first!)
    await expectLoaded28(decoded)
    await expect(page.getByRole('list', { name: 'Morph in 8 steps' }).getByRole('img')).toHaveCount(8)

    await page.waitForTimeout(300)
    await shoot(page.locator('section.latent'), 'latent-phone-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shoot(page.locator('section.latent'), 'latent-phone-dark')
    await expectAxeClean(page, 'phone, dark')
  })
})
