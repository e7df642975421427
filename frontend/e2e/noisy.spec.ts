import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, expectResults, test } from './fixtures'

/**
 * "My image is already noisy" (issue 30) against the real API: an upload of a noisy scan and a noisy
 * example from the gallery are sent with noise=none, and the page shows the noise estimate in words
 * (before and after) and the denoised image, with no PSNR. Phone and desktop, light and dark,
 * screenshots in SHOTS_DIR (default /tmp/shots).
 */

const here = dirname(fileURLToPath(import.meta.url))
const NOISY_SCAN = resolve(here, '../public/examples/noisy-scan.jpg')
const SHOTS_DIR = process.env.SHOTS_DIR ?? '/tmp/shots'

const screens = [
  { name: 'phone', width: 390, height: 844, touch: true },
  { name: 'desktop', width: 1280, height: 800, touch: false },
] as const

/** The text fields of a POST /denoise form (what the app's fetch sent; the browser does not hand multipart bodies with files to the test). */
type SentForm = Record<string, string>

/** Record the text fields of every POST /denoise the page sends, from before its own scripts run. */
async function recordDenoise(page: Page) {
  await page.addInitScript(() => {
    const sent: Record<string, string>[] = []
    ;(window as unknown as { __denoiseForms: typeof sent }).__denoiseForms = sent
    const original = window.fetch.bind(window)
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input), window.location.href)
      if (url.pathname === '/denoise' && init?.body instanceof FormData) {
        const fields: Record<string, string> = {}
        init.body.forEach((value, key) => {
          if (typeof value === 'string') fields[key] = value
        })
        sent.push(fields)
      }
      return original(input, init)
    }
  })
  return () => page.evaluate(() => (window as unknown as { __denoiseForms: SentForm[] }).__denoiseForms)
}

async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS_DIR, { recursive: true })
  await page.waitForTimeout(400) // the out-of-date fade settles
  await page.screenshot({ path: resolve(SHOTS_DIR, `${name}.png`), fullPage: true })
}

async function expectAxeClean(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
  expect(report, `axe violations (${label})`).toEqual([])
}

/** The results of an image denoised as it is: the estimate in words, no PSNR, the as-is mode chosen. */
async function expectDenoisedAsIs(page: Page) {
  await expectResults(page, { added: false })
  await expect(page.getByTestId('stale')).toHaveCount(0)
  await expect(page.getByTestId('noise-estimate')).toContainText(/^Received: .*noise, about σ \d\.\d\d → denoised: .*noise, about σ \d\.\d\d$/)
  await expect(page.getByText('no clean reference to score against')).toBeVisible()
  await expect(page.getByRole('img', { name: /^Noisy image/ })).toHaveCount(0)
  await expect(page.locator('.results').getByText(/ dB$/)).toHaveCount(0)
  await expect(page.getByRole('radio', { name: /already noisy/ })).toBeChecked()
}

for (const screen of screens) {
  test.describe(`${screen.name} ${screen.width}x${screen.height}`, () => {
    test.use({ viewport: { width: screen.width, height: screen.height }, hasTouch: screen.touch, isMobile: screen.touch })

    test('a noisy scan is denoised as it is: the estimate in words, nothing added', async ({ page, consoleErrors }) => {
      void consoleErrors
      await page.emulateMedia({ colorScheme: 'light' })
      const sent = await recordDenoise(page)
      await page.goto('/')
      await expect(page.getByText('API ready')).toBeVisible()

      const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/denoise')
      await page.locator('input[type=file]').setInputFiles(NOISY_SCAN)
      const body = (await (await answered).json()) as { noise: { type: string }; metrics: unknown; noise_estimate?: number }
      expect(await sent()).toEqual([expect.objectContaining({ noise: 'none', preprocess: 'mnist' })])
      expect(body.noise.type).toBe('none')
      expect(body.metrics).toBeNull()
      expect(typeof body.noise_estimate).toBe('number')
      await expectDenoisedAsIs(page)
      // the results are in view on the phone as well, and nothing scrolls sideways
      await expect(page.getByRole('img', { name: /^Denoised image/ })).toBeInViewport()
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(screen.width)
      await shoot(page, `noisy-${screen.name}-light`)
      await expectAxeClean(page, `${screen.name}, light`)

      await page.emulateMedia({ colorScheme: 'dark' })
      await shoot(page, `noisy-${screen.name}-dark`)
      await expectAxeClean(page, `${screen.name}, dark`)
      await page.emulateMedia({ colorScheme: 'light' })

      // one click back to the demo: noise is added again, with the type and level it had
      await page.getByRole('radio', { name: 'Add noise (demo)' }).check()
      await expectResults(page)
      expect((await sent()).at(-1)).toMatchObject({ noise: 'gaussian', level: '0.5' })
    })

    test('a noisy example from the gallery loads as an upload and is denoised as it is', async ({ page, consoleErrors }) => {
      void consoleErrors
      const sent = await recordDenoise(page)
      await page.goto('/')
      await expect(page.getByText('API ready')).toBeVisible()
      const examples = page.getByRole('list', { name: 'Already noisy' })
      await expect(examples.getByRole('button')).toHaveText(['Noisy 28 px PNG', 'Noisy scan (JPEG)', 'Grainy scan', 'Low-light photo'])
      // the thumbnails are the files themselves, served beside the app
      for (const img of await examples.locator('img').all()) {
        await img.scrollIntoViewIfNeeded()
        await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true)
      }

      const photo = examples.getByRole('button', { name: 'Low-light photo' })
      await photo.click()
      await expect(photo).toHaveAttribute('aria-pressed', 'true')
      await expectDenoisedAsIs(page)
      expect(await sent()).toEqual([expect.objectContaining({ noise: 'none', preprocess: 'mnist' })])
      await page.getByRole('button', { name: /^Example 1:/ }).scrollIntoViewIfNeeded()
      await page.waitForTimeout(300)
      await page.screenshot({ path: resolve(SHOTS_DIR, `noisy-${screen.name}-gallery.png`) })

      // a dataset example is clean: picking it goes back to the demo
      await page.getByRole('button', { name: /^Example 1:/ }).click()
      await expectResults(page)
      await expect(photo).toHaveAttribute('aria-pressed', 'false')
      expect((await sent()).at(-1)).toMatchObject({ noise: 'gaussian', preprocess: 'resize' })
    })
  })
}
