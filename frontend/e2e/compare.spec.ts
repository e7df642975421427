import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page, Response } from '@playwright/test'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SCREENSHOT_DIR, expect, expectResults, test } from './fixtures'

/**
 * The Compare view (issue 12) against the real API: an example digit through every served model of
 * its dataset and the tuned classical baselines, on the same noisy draw as the results; best first;
 * a model's card makes it the denoiser; BM3D on request; a phone (375 px, two columns, no sideways
 * scroll) and a desktop (4 to 5 columns), light and dark, axe-clean.
 */

const here = dirname(fileURLToPath(import.meta.url))
const MODEL_DIR = process.env.DENOISER_MODEL_DIR ?? resolve(here, '../../models')
/** the MNIST architectures issue 12 serves beside the U-Net and the VAE */
const ISSUE_12_MODELS = ['mnist-dense', 'mnist-sparse', 'mnist-conv', 'mnist-conv-bn', 'mnist-conv-deep', 'mnist-conv-pool']

interface CompareBody {
  model: { name: string; version: number }
  noisy: string
  results: { id: string; kind: 'model' | 'baseline'; metrics: { psnr: number }; default: boolean; model: { name: string } | null }[]
}

interface Served {
  models: { name: string; metadata: { dataset?: string } }[]
}

/** Some model of `names` has tuned baselines on disk (denoiser tune-baselines). */
function tunedBaselines(names: string[]): boolean {
  return names.some((name) => {
    const dir = join(MODEL_DIR, name)
    return existsSync(dir) && readdirSync(dir).some((version) => existsSync(join(dir, version, 'baselines.json')))
  })
}

async function shoot(locator: Locator, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await locator.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`) })
}

async function expectAxeClean(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).include('#compare').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
  expect(report, `axe violations (${label})`).toEqual([])
}

const isCompare = (response: Response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/compare'

/** A /compare answer that satisfies `check` (the request's multipart body is not readable here). */
function compareAnswer(check: (body: CompareBody) => boolean) {
  return async (response: Response) => isCompare(response) && response.ok() && check((await response.json()) as CompareBody)
}

/** Load the page, pick the first example and wait for its results. */
async function pickExample(page: Page) {
  await page.goto('/')
  await expect(page.getByText('API ready')).toBeVisible()
  await page.getByRole('button', { name: /^Example 1:/ }).click()
  await expectResults(page)
}

/** Open the Compare view and return the answer of its first /compare. */
async function openCompare(page: Page): Promise<CompareBody> {
  const answered = page.waitForResponse(isCompare)
  const toggle = page.getByRole('button', { name: 'Compare all methods' })
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await toggle.click()
  const response = await answered
  expect(response.status()).toBe(200)
  const body = (await response.json()) as CompareBody
  await expect(page.getByTestId('compare-card')).toHaveCount(body.results.length)
  await expect(page.getByTestId('compare-stale')).toHaveCount(0)
  return body
}

/** Every card's image is a loaded 28x28 PNG. */
async function expectCardImages(page: Page) {
  const sizes = await page
    .getByTestId('compare-card')
    .getByRole('img', { name: /^Output of / })
    .evaluateAll((imgs) => imgs.map((img) => [(img as HTMLImageElement).complete, (img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]))
  expect(sizes.length).toBeGreaterThan(0)
  for (const size of sizes) expect(size).toEqual([true, 28, 28])
}

/** How many cards share the first row of the grid. */
async function columns(page: Page): Promise<number> {
  const tops = await page.getByTestId('compare-card').evaluateAll((cards) => cards.map((card) => Math.round(card.getBoundingClientRect().top)))
  return tops.filter((top) => top === tops[0]).length
}

test.describe('desktop 1280x900', () => {
  test.use({
    viewport: { width: 1280, height: 900 },
    // a model of issue 12 may come without its own examples.json: its gallery then answers 404
    allowConsoleErrors: /status of 404/,
  })

  test('every model and baseline on the same noisy draw, best first; a model card makes it the denoiser', async ({ page, consoleErrors }) => {
    void consoleErrors
    test.setTimeout(120_000)
    await pickExample(page)
    const served = ((await (await page.request.get('/models')).json()) as Served).models
    const mnist = served.filter((m) => m.metadata.dataset === 'mnist').map((m) => m.name)

    const body = await openCompare(page)
    const cards = page.getByTestId('compare-card')
    const modelCards = page.locator('[data-testid=compare-card][data-kind=model]')
    const baselineCards = page.locator('[data-testid=compare-card][data-kind=baseline]')
    // every served MNIST model, and (once tuned) at least 5 classical baselines
    await expect(modelCards).toHaveCount(mnist.length)
    await expect(baselineCards).toHaveCount(body.results.filter((r) => r.kind === 'baseline').length)
    if (ISSUE_12_MODELS.every((name) => existsSync(join(MODEL_DIR, name)))) expect(await modelCards.count()).toBeGreaterThanOrEqual(6)
    if (tunedBaselines(mnist)) expect(await baselineCards.count()).toBeGreaterThanOrEqual(5)
    else test.info().annotations.push({ type: 'note', description: 'no baselines.json under models/: no baseline cards expected' })
    await expectCardImages(page)

    // in the server's order, which is best PSNR first
    expect(await cards.evaluateAll((all) => all.map((card) => (card as HTMLElement).dataset.id))).toEqual(body.results.map((r) => r.id))
    const psnrs = (await page.getByTestId('compare-psnr').evaluateAll((dds) => dds.map((dd) => Number((dd as HTMLElement).dataset.value)))) as number[]
    expect(psnrs).toHaveLength(body.results.length)
    expect(psnrs).toEqual([...psnrs].sort((a, b) => b - a))
    await expect(cards.first()).toContainText('Rank 1')
    await expect(page.getByTestId('compare-summary')).toHaveText(
      new RegExp(`^${body.results.length} methods on the same noisy digit \\(Gaussian 0\\.50, seed \\d+\\): .*Best PSNR first\\.$`),
    )

    // the same noisy draw as the results, and the model in use gives the same image as the results
    const noisy = await page.getByRole('img', { name: 'Noisy image, 28 by 28 pixels' }).getAttribute('src')
    expect(body.noisy).toBe(noisy)
    await expect(page.getByRole('img', { name: 'The noisy digit every method was given, 28 by 28 pixels' })).toHaveAttribute('src', noisy!)
    await expect(page.getByTestId('compare-noisy-psnr')).toHaveText(/^PSNR \d+\.\d dB · SSIM 0\.\d{3}$/)
    const active = page.locator('[data-testid=compare-card][aria-current=true]')
    await expect(active).toHaveCount(1)
    await expect(active).toHaveAttribute('data-id', 'mnist')
    await expect(active.getByRole('button', { name: /^In use/ })).toBeVisible()
    const denoised = await page.getByRole('img', { name: 'Denoised image, 28 by 28 pixels' }).getAttribute('src')
    await expect(active.getByRole('img')).toHaveAttribute('src', denoised!)
    // baselines are read, not chosen
    await expect(baselineCards.getByRole('button')).toHaveCount(0)

    // 5 columns at 1280 px (4 to 5 wanted), no sideways scroll
    expect(await columns(page)).toBeGreaterThanOrEqual(4)
    expect(await columns(page)).toBeLessThanOrEqual(5)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)

    await page.locator('#compare').scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    await shoot(page.locator('#compare'), 'compare-desktop-light')
    await page.screenshot({ path: resolve(SCREENSHOT_DIR, 'compare-desktop-page-light.png'), fullPage: true })
    await expectAxeClean(page, 'light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shoot(page.locator('#compare'), 'compare-desktop-dark')
    await expectAxeClean(page, 'dark')
    await page.emulateMedia({ colorScheme: 'light' })

    // the best model that is not in use: a click makes it the denoiser everywhere
    const target = body.results.find((r) => r.kind === 'model' && !r.default)
    test.skip(!target, 'only one model is served for MNIST')
    const name = target!.model!.name
    const next = page.waitForResponse(compareAnswer((answer) => answer.model.name === name))
    await page.locator(`[data-testid=compare-card][data-id="${name}"]`).getByRole('button', { name: /as the denoiser$/ }).click()
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(name)
    await expect(page.locator(`[data-testid=compare-card][data-id="${name}"]`)).toHaveAttribute('aria-current', 'true')
    await expect(page.getByTestId('server-time').locator('xpath=..')).toContainText(`${name} v`)
    const again = (await (await next).json()) as CompareBody
    expect(again.model.name).toBe(name)
    expect(again.results.find((r) => r.default)?.id).toBe(name)
    await expect(page.getByTestId('compare-stale')).toHaveCount(0)
    await expect(page.locator('[data-testid=compare-card][aria-current=true]')).toHaveAttribute('data-id', name)
    expect(new URL(page.url()).searchParams.get('model')).toBe(name)
  })

  test('BM3D on request; a keyboard user chooses a model', async ({ page, consoleErrors }) => {
    void consoleErrors
    test.setTimeout(120_000)
    await pickExample(page)
    const body = await openCompare(page)
    await expect(page.locator('[data-testid=compare-card][data-id=bm3d]')).toHaveCount(0)

    const tuned = body.results.some((r) => r.kind === 'baseline')
    const all = page.waitForResponse(compareAnswer((answer) => !tuned || answer.results.some((r) => r.id === 'bm3d')), { timeout: 60_000 })
    await page.getByRole('checkbox', { name: /Include BM3D/ }).check()
    await expect(page.getByTestId('compare-stale')).toHaveText('Updating…')
    expect((await all).status()).toBe(200)
    await expect(page.getByTestId('compare-stale')).toHaveCount(0, { timeout: 60_000 })
    if (tuned) {
      await expect(page.locator('[data-testid=compare-card][data-id=bm3d]')).toHaveCount(1)
      await expect(page.getByTestId('compare-card')).toHaveCount(body.results.length + 1)
    }

    // keyboard: the focus ring goes round the whole card; Enter makes the model the denoiser
    const target = body.results.find((r) => r.kind === 'model' && !r.default)
    test.skip(!target, 'only one model is served for MNIST')
    const name = target!.model!.name
    const button = page.locator(`[data-testid=compare-card][data-id="${name}"]`).getByRole('button', { name: /as the denoiser$/ })
    await page.getByRole('checkbox', { name: /Include BM3D/ }).focus()
    await button.focus()
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Tab')
    await expect(button).toBeFocused()
    const ring = await page.locator(`[data-testid=compare-card][data-id="${name}"]`).evaluate((el) => getComputedStyle(el).outlineWidth)
    expect(ring).toBe('3px')
    await page.keyboard.press('Enter')
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(name)
    // the focus stays on the card, which now says "In use"
    await expect(page.locator(`[data-testid=compare-card][data-id="${name}"]`).getByRole('button', { name: /^In use/ })).toBeFocused()
  })
})

test.describe('phone 375x812', () => {
  test.use({
    viewport: { width: 375, height: 812 },
    hasTouch: true,
    isMobile: true,
    allowConsoleErrors: /status of 404/,
  })

  test('two columns, no sideways scroll, a tap on a card chooses the model; light and dark', async ({ page, consoleErrors }) => {
    void consoleErrors
    test.setTimeout(120_000)
    await page.emulateMedia({ colorScheme: 'dark' })
    await pickExample(page)
    const body = await openCompare(page)
    await expectCardImages(page)
    expect(await columns(page)).toBe(2)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    for (const box of await page.getByTestId('compare-card').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(box.left).toBeGreaterThanOrEqual(0)
      expect(box.right).toBeLessThanOrEqual(375)
    }

    const panel = page.locator('#compare')
    await panel.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    await shoot(panel, 'compare-phone-dark')
    await expectAxeClean(page, 'phone, dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await shoot(panel, 'compare-phone-light')
    await expectAxeClean(page, 'phone, light')

    // a tap on the card's image (the whole card is the target)
    const target = body.results.find((r) => r.kind === 'model' && !r.default)
    test.skip(!target, 'only one model is served for MNIST')
    const name = target!.model!.name
    const card = page.locator(`[data-testid=compare-card][data-id="${name}"]`)
    await card.scrollIntoViewIfNeeded()
    await card.tap({ position: { x: 24, y: 24 } })
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(name)
    await expect(card).toHaveAttribute('aria-current', 'true')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
  })
})
