// Drives the SPA through nginx in headless Chromium: draw a digit on the "Drawing pad", press
// "Denoise", wait for the denoised image; then pick a gallery example and wait for its result.
// Prints one JSON line with what it saw; exits non-zero on any failure. Used by tests/containers/test_stack.py
// (the SPA the web image built, through the compose stack's nginx).
//
//   node tests/deploy/ui_smoke.mjs --url http://127.0.0.1:8080/ --screenshot artifacts/deploy/ui.png \
//        [--chromium /usr/bin/chromium] [--timeout 60000]
//
// Uses playwright-core from frontend/node_modules (no browser download: Debian's Chromium).
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

import { commonOptions, openChromium, root } from './chromium.mjs'

const { values: opts } = parseArgs({
  options: {
    ...commonOptions,
    screenshot: { type: 'string', default: join(root, 'artifacts', 'deploy', 'ui-through-nginx.png') },
  },
})
if (!opts.url) {
  console.error('usage: node ui_smoke.mjs --url URL [--screenshot PATH] [--chromium PATH]')
  process.exit(2)
}
const timeout = Number(opts.timeout)
const report = { url: opts.url, steps: [], console_errors: [], failed_requests: [], api_calls: [] }
let browser
try {
  browser = await openChromium(opts, 'deploy-ui-chromium-')
  const { page } = browser
  page.on('console', (msg) => {
    if (msg.type() === 'error') report.console_errors.push(msg.text())
  })
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname
    if (!path.startsWith('/assets/') && path !== '/') report.api_calls.push(`${response.request().method()} ${path} ${response.status()}`)
    if (response.status() >= 400) report.failed_requests.push(`${response.status()} ${response.url()}`)
  })

  await page.goto(opts.url, { waitUntil: 'domcontentloaded' })
  const pad = page.getByRole('img', { name: 'Drawing pad' })
  await pad.waitFor({ state: 'visible' })
  report.steps.push('loaded')

  // Draw a "7": a top bar and a diagonal, as mouse strokes.
  const box = await pad.boundingBox()
  if (!box) throw new Error('the drawing pad has no bounding box')
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height]
  const stroke = async (points) => {
    await page.mouse.move(...at(...points[0]))
    await page.mouse.down()
    for (const point of points.slice(1)) await page.mouse.move(...at(...point), { steps: 12 })
    await page.mouse.up()
  }
  await stroke([[0.25, 0.22], [0.75, 0.22], [0.45, 0.8]])
  report.steps.push('drew')

  const denoised = page.locator('img[alt^="Denoised image"]')
  const denoise = page.getByRole('button', { name: 'Denoise', exact: true })
  const waitForDenoised = async (previous) => {
    await page.waitForFunction(
      (prev) => {
        const img = document.querySelector('img[alt^="Denoised image"]')
        return img && img.src.startsWith('data:image/png') && img.src !== prev && img.complete && img.naturalWidth === 28
      },
      previous,
      { timeout },
    )
    return denoised.getAttribute('src')
  }
  await denoise.click()
  const drawn = await waitForDenoised(null)
  report.steps.push('denoised drawing')
  report.server_time = await page.getByTestId('server-time').textContent().catch(() => null)

  // A gallery example: its own request and a new denoised image.
  const example = page.getByRole('button', { name: /^Example 1:/ })
  await example.waitFor({ state: 'visible', timeout: Math.min(timeout, 30000) })
  await example.click()
  await denoise.click()
  await waitForDenoised(drawn)
  report.steps.push('denoised example')

  const alerts = await page.getByRole('alert').allTextContents()
  if (alerts.length) throw new Error(`the page shows an error: ${alerts.join(' | ')}`)
  mkdirSync(dirname(resolve(opts.screenshot)), { recursive: true })
  await page.screenshot({ path: resolve(opts.screenshot), fullPage: true })
  report.screenshot = resolve(opts.screenshot)
  report.ok = true
} catch (error) {
  report.ok = false
  report.error = String(error?.stack || error)
  if (browser) {
    const { page } = browser
    const failShot = resolve(opts.screenshot).replace(/\.png$/, '') + '-failure.png'
    try {
      mkdirSync(dirname(failShot), { recursive: true })
      await page?.screenshot({ path: failShot, fullPage: true })
      report.failure_screenshot = failShot
    } catch {
      // the browser may already be gone
    }
  }
} finally {
  await browser?.close()
}
console.log(JSON.stringify(report))
process.exit(report.ok ? 0 : 1)
