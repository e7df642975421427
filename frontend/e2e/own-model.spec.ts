import type { Page } from '@playwright/test'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { OWN_MODEL, OWN_MODEL_WORKDIR } from '../playwright.config'
import { drawSeven, expect, expectResults, screenshot, test, touchStroke } from './fixtures'

/**
 * Your own images, end to end: the e2e server trained OWN_MODEL when it started (`denoiser train --data` on
 * Fashion-MNIST PNGs in class folders; e2e/own-model-server.mjs). It is picked in the Model menu, denoises a
 * drawing and one of the images it was trained on, and the page speaks of "your images" with the class
 * names of the folders, never of digits. Screenshots on a desktop and a phone.
 */

interface Served {
  models: { name: string; version: number; metadata: { data?: { class_names?: string[]; n_train?: number } } }[]
}

test.skip(!OWN_MODEL, 'E2E_OWN_MODEL=0: no model was trained when the server started')

/** The model trained at run time, as GET /models lists it, and the class names of its folders. */
async function ownModel(page: Page) {
  const served = (await (await page.request.get('/models')).json()) as Served
  const own = served.models.find((m) => m.name === OWN_MODEL)
  expect(own, `${OWN_MODEL} is served (trained by e2e/own-model-server.mjs when the server started)`).toBeTruthy()
  const classes = own!.metadata.data?.class_names ?? []
  expect(classes).toEqual(readdirSync(join(OWN_MODEL_WORKDIR, 'images')).sort())
  return { ...own!, classes }
}

/** Open the app and pick the model in the Model menu. */
async function pick(page: Page) {
  const own = await ownModel(page)
  await page.goto('/')
  await expect(page.getByText('API ready')).toBeVisible()
  const menu = page.getByLabel('Model')
  await expect(menu.locator('optgroup', { hasText: `${OWN_MODEL} v${own.version}` })).toHaveAttribute('label', `${OWN_MODEL} (your images)`)
  await menu.selectOption(OWN_MODEL!)
  await expect(page).toHaveURL(new RegExp(`[?&]model=${OWN_MODEL}`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your image denoiser')
  const about = page.getByTestId('model-about')
  await expect(about).toContainText(`Trained on your images: ${own.classes.length} classes from your folders (${own.classes[0]}, ${own.classes[1]},`)
  await expect(about).toContainText(`; ${own.metadata.data?.n_train} training and`)
  await expect(page.getByRole('heading', { name: 'Examples of your images' })).toBeVisible()
  // the gallery is the model's own test split, named by the folders
  const example = page.getByRole('button', { name: /^Example 1:/ })
  await expect(example).toBeVisible()
  expect(own.classes).toContain((await example.getAttribute('aria-label'))!.replace(/^Example 1: /, ''))
  return own
}

/** The next /denoise answer is the model's. */
function answeredBy(page: Page, version: number) {
  return page
    .waitForResponse((response) => response.url().endsWith('/denoise') && response.request().method() === 'POST')
    .then(async (response) => {
      expect(response.status()).toBe(200)
      expect((await response.json()).model).toEqual({ name: OWN_MODEL, version })
    })
}

test('pick the model trained on your images: it denoises a drawing and one of your images, in your words', async ({ page, consoleErrors }) => {
  void consoleErrors
  const own = await pick(page)

  const drawn = answeredBy(page, own.version)
  await drawSeven(page)
  await drawn
  await expectResults(page)
  await expect(page.locator('.results__timing')).toContainText(`${OWN_MODEL} v${own.version}`)
  await expect(page.getByRole('img', { name: /^Latent map of your test images with your image at/ })).toBeVisible()
  await expect(page.getByRole('list', { name: 'Classes' })).toContainText(own.classes[0])
  await expect(page.getByText(/of your test images placed by/)).toBeVisible()
  await page.waitForTimeout(400) // let the out-of-date fade settle before the picture
  await screenshot(page, 'own-model-desktop', false)

  // one of the images it was trained on (a PNG from its folder), denoised as it is
  const folder = join(OWN_MODEL_WORKDIR, 'images', own.classes[0])
  const file = readdirSync(folder)[0]
  const uploaded = answeredBy(page, own.version)
  await page.locator('input[type=file]').setInputFiles({ name: file, mimeType: 'image/png', buffer: readFileSync(join(folder, file)) })
  await uploaded
  await expectResults(page, { added: false })

  expect(await page.locator('body').innerText()).not.toMatch(/digit/i)
})

test.describe('phone 390x844', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })

  test('the model menu and the card line fit a phone; a finger stroke is denoised by your model', async ({ page, consoleErrors }) => {
    void consoleErrors
    const own = await pick(page)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    const drawn = answeredBy(page, own.version)
    await touchStroke(page, [
      [0.3, 0.2],
      [0.7, 0.2],
      [0.7, 0.8],
      [0.3, 0.8],
    ])
    await drawn
    await expectResults(page)
    await page.waitForTimeout(400)
    await screenshot(page, 'own-model-phone', false)
  })
})
