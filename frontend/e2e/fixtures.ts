import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const SCREENSHOT_DIR = resolve(here, '../test-results/screenshots')

/** `page` that fails the test on any console error or uncaught exception (unless allowed). */
export const test = base.extend<{ consoleErrors: string[]; allowConsoleErrors: RegExp | null }>({
  allowConsoleErrors: [null, { option: true }],
  consoleErrors: async ({ page, allowConsoleErrors }, use) => {
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' && !(allowConsoleErrors && allowConsoleErrors.test(message.text()))) {
        errors.push(message.text())
      }
    })
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
    await use(errors)
    expect(errors, 'console errors').toEqual([])
  },
})

export { expect }

/** A stroke on the pad with the mouse: from (x0, y0) to (x1, y1) in fractions of the pad's size. */
export async function stroke(page: Page, points: [number, number][]) {
  const pad = page.getByRole('img', { name: 'Drawing pad' })
  const box = await pad.boundingBox()
  if (!box) throw new Error('drawing pad not visible')
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const
  const [x0, y0] = at(points[0])
  await page.mouse.move(x0, y0)
  await page.mouse.down()
  for (const point of points.slice(1)) {
    const [x, y] = at(point)
    await page.mouse.move(x, y, { steps: 6 })
  }
  await page.mouse.up()
}

/** Draw a "7": a top bar and a diagonal. */
export async function drawSeven(page: Page) {
  await stroke(page, [
    [0.28, 0.25],
    [0.72, 0.25],
    [0.45, 0.8],
  ])
}

/** A stroke with a finger (CDP touch events, as a phone sends them), in fractions of the pad's size. */
export async function touchStroke(page: Page, points: [number, number][]) {
  const pad = page.getByRole('img', { name: 'Drawing pad' })
  const box = await pad.boundingBox()
  if (!box) throw new Error('drawing pad not visible')
  const cdp = await page.context().newCDPSession(page)
  const at = ([fx, fy]: [number, number]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height })
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(points[0])] })
  for (let i = 1; i < points.length; i += 1) {
    const [from, to] = [points[i - 1], points[i]]
    for (let step = 1; step <= 6; step += 1) {
      const t = step / 6
      const point = at([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t])
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] })
    }
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

/** An element's box lies entirely inside the viewport (nothing to scroll to see it). */
export async function expectInViewport(page: Page, locator: ReturnType<Page['locator']>) {
  const box = await locator.boundingBox()
  const viewport = page.viewportSize()!
  expect(box, 'element has a box').not.toBeNull()
  expect(box!.x).toBeGreaterThanOrEqual(0)
  expect(box!.y).toBeGreaterThanOrEqual(0)
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width)
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height)
}

/** PNG bytes of an all-white square, made by the browser. */
export async function whitePng(page: Page, side = 64): Promise<Buffer> {
  const bytes = await page.evaluate(async (n) => {
    const canvas = new OffscreenCanvas(n, n)
    const ctx = canvas.getContext('2d')!
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, n, n)
    const blob = await canvas.convertToBlob({ type: 'image/png' })
    return Array.from(new Uint8Array(await blob.arrayBuffer()))
  }, side)
  return Buffer.from(bytes)
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

export async function screenshot(page: Page, name: string, fullPage = true) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`), fullPage })
}

/**
 * The result images are shown and are real 28x28 PNGs: the original, noisy and denoised image when
 * noise was added (the demo), the received and the denoised image when it was not (an upload, which is
 * denoised as it is).
 */
export async function expectResults(page: Page, { added = true }: { added?: boolean } = {}) {
  for (const name of added ? ['Original', 'Noisy', 'Denoised'] : ['Received', 'Denoised']) {
    const img = page.getByRole('img', { name: `${name} image, 28 by 28 pixels` })
    await expect(img).toBeVisible()
    await expect(img).toHaveAttribute('src', /^data:image\/png;base64,/)
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => [el.complete, el.naturalWidth, el.naturalHeight])).toEqual([true, 28, 28])
  }
}

/** On /docs: open GET /models in Swagger UI, press "Try it out" when needed, execute, and expect a 200. */
export async function tryGetModels(page: Page) {
  const models = page.locator('.opblock-get').filter({ has: page.locator('[data-path="/models"]') }).first()
  await models.locator('.opblock-summary').click()
  const execute = models.getByRole('button', { name: 'Execute' })
  if (!(await execute.isVisible())) await models.getByRole('button', { name: 'Try it out' }).click()
  await execute.click()
  await expect(models.locator('.live-responses-table tbody .response-col_status').first()).toContainText('200')
}

/** axe-core over the whole page: no serious or critical violation (WCAG 2.1 A/AA and best practice). */
export async function expectAxeClean(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
  expect(report, `axe violations (${label})`).toEqual([])
}
