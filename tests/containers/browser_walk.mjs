// A person's session through nginx in headless Chromium, recording every Content-Security-Policy
// violation (a `securitypolicyviolation` event, listened for from before the page's own scripts run, as
// frontend/e2e/csp.spec.ts does) and every API answer: the SPA (draw a digit, a gallery example, the
// Compare view, the noise level stepped ten times with it open, two clicks on the latent map) and the
// /docs page (Swagger UI, "try it" on GET /models). Prints one JSON line; exits non-zero on a failure.
//
//   node tests/containers/browser_walk.mjs --url http://127.0.0.1:8080 [--chromium /usr/bin/chromium]
//
// Used by tests/deploy/test_nginx_e2e.py (Debian's nginx in front of gunicorn: nginx's headers and limits
// are tested there, once). playwright-core from frontend/node_modules, Debian's Chromium: no browser download.
import { parseArgs } from 'node:util'

import { commonOptions, openChromium } from '../deploy/chromium.mjs'

const { values: opts } = parseArgs({ options: commonOptions })
if (!opts.url) {
  console.error('usage: node browser_walk.mjs --url URL [--chromium PATH]')
  process.exit(2)
}
const base = opts.url.replace(/\/$/, '')

const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy',
  'cross-origin-opener-policy']
const report = { url: base, steps: [], violations: {}, documents: {}, api_calls: [], failed_requests: [],
  console_errors: [], seconds: 0 }
const started = Date.now()
let browser
try {
  browser = await openChromium(opts, 'browser-walk-chromium-')
  const { page } = browser
  await page.addInitScript(() => {
    const seen = []
    window.__cspViolations = seen
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective}: ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`)
    })
  })
  page.on('console', (msg) => {
    if (msg.type() === 'error') report.console_errors.push(msg.text())
  })
  page.on('response', (response) => {
    const url = new URL(response.url())
    const type = response.request().resourceType()
    if (type === 'fetch' || type === 'xhr') {
      report.api_calls.push(`${response.request().method()} ${url.pathname} ${response.status()}`)
    }
    if (response.status() >= 400) report.failed_requests.push(`${response.status()} ${url.pathname}`)
  })
  const documentHeaders = (response) => {
    const headers = response.headers()
    return Object.fromEntries(SECURITY_HEADERS.map((name) => [name, headers[name] ?? null]))
  }
  const violations = () => page.evaluate(() => window.__cspViolations)

  // --- the SPA --------------------------------------------------------------------------------------
  const spa = await page.goto(`${base}/`)
  report.documents['/'] = documentHeaders(spa)
  await page.getByText('API ready').waitFor()
  report.steps.push('loaded')

  const pad = page.getByRole('img', { name: 'Drawing pad' })
  const box = await pad.boundingBox()
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height]
  await page.mouse.move(...at(0.28, 0.25))
  await page.mouse.down()
  for (const [fx, fy] of [[0.72, 0.25], [0.45, 0.8]]) await page.mouse.move(...at(fx, fy), { steps: 6 })
  await page.mouse.up()
  const denoised = page.getByRole('img', { name: 'Denoised image, 28 by 28 pixels' })
  await denoised.waitFor()
  report.steps.push('drew')

  await page.getByRole('button', { name: /^Example 1:/ }).click()
  await page.getByRole('button', { name: 'Compare all methods' }).click()
  await page.locator('[data-testid=compare-card]').nth(8).waitFor()
  report.steps.push('compared')

  // The noise level stepped ten times, as a person does with the arrow keys, the Compare view open:
  // each step past the slider's debounce is a /denoise, an /encode and a /compare.
  const slider = page.getByRole('slider', { name: 'Noise level' })
  await slider.focus()
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press('ArrowRight')
    await page.waitForTimeout(200)
  }
  await page.locator('.field__value').filter({ hasText: '0.60' }).waitFor()
  await page.waitForTimeout(1000)
  report.steps.push('stepped the noise level')

  const map = page.getByTestId('latent-map')
  if (await map.count()) {
    await map.scrollIntoViewIfNeeded()
    const mapBox = await map.boundingBox()
    for (const [fx, fy] of [[0.3, 0.6], [0.75, 0.25]]) {
      await page.mouse.click(mapBox.x + fx * mapBox.width, mapBox.y + fy * mapBox.height)
      await page.waitForTimeout(300)
    }
    report.steps.push('clicked the latent map')
  }
  await page.waitForLoadState('networkidle')
  report.violations['/'] = await violations()
  const alerts = await page.getByRole('alert').allTextContents()
  if (alerts.length) throw new Error(`the page shows an error: ${alerts.join(' | ')}`)

  // --- the docs page --------------------------------------------------------------------------------
  const docs = await page.goto(`${base}/docs`)
  report.documents['/docs'] = documentHeaders(docs)
  const models = page.locator('.opblock-get').filter({ has: page.locator('[data-path="/models"]') }).first()
  await models.locator('.opblock-summary').click()
  const execute = models.getByRole('button', { name: 'Execute' })
  if (!(await execute.isVisible())) await models.getByRole('button', { name: 'Try it out' }).click()
  await execute.click()
  const status = models.locator('.live-responses-table tbody .response-col_status').first()
  await status.waitFor()
  if (!(await status.textContent()).includes('200')) throw new Error(`"try it" answered ${await status.textContent()}`)
  report.steps.push('docs try it')
  report.violations['/docs'] = await violations()
  report.ok = true
} catch (error) {
  report.ok = false
  report.error = String(error?.stack || error)
} finally {
  await browser?.close()
}
report.seconds = (Date.now() - started) / 1000
console.log(JSON.stringify(report))
process.exit(report.ok ? 0 : 1)
