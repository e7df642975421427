import type { Page } from '@playwright/test'
import { drawSeven, expect, expectResults, test, tryGetModels } from './fixtures'

/**
 * The Content-Security-Policy the server sends (backend/denoiser/serving/security.py; nginx sends the same)
 * is one the app and the docs page really work under: every feature is used, and Chromium reports no
 * violation (a `securitypolicyviolation` event, recorded from before the page's own scripts run).
 */

async function recordViolations(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __cspViolations: string[] }).__cspViolations = seen
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective}: ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`)
    })
  })
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)
}

test('the app works under its CSP: draw, a gallery example, compare, latent map, a noisy example', async ({ page, consoleErrors }) => {
  void consoleErrors // a CSP refusal is also a console error
  await recordViolations(page)
  const response = await page.goto('/')
  const policy = response!.headers()['content-security-policy']
  expect(policy).toContain("script-src 'self'")
  expect(policy).toContain("frame-ancestors 'none'")
  expect(response!.headers()['x-content-type-options']).toBe('nosniff')
  await expect(page.getByText('API ready')).toBeVisible()

  await drawSeven(page)
  await expectResults(page)
  await page.getByRole('button', { name: /^Example 1:/ }).click()
  await expectResults(page)
  await page.getByRole('button', { name: 'Compare all methods' }).click()
  await expect(page.locator('[data-testid=compare-card]').nth(8)).toBeVisible()
  await expect(page.getByRole('img', { name: /^Latent map of the test set/ })).toBeVisible()
  // a noisy example: its thumbnail and its file come from /examples/ beside the app
  await page.getByRole('button', { name: 'Noisy scan (JPEG)' }).click()
  await expectResults(page, { added: false })
  expect(await violations(page), 'CSP violations on the app').toEqual([])
})

test('the docs page works under its CSP: Swagger UI renders and "try it" answers', async ({ page, consoleErrors }) => {
  void consoleErrors
  await recordViolations(page)
  const response = await page.goto('/docs')
  expect(response!.headers()['content-security-policy']).toContain("default-src 'self'")
  await tryGetModels(page)
  expect(await violations(page), 'CSP violations on /docs').toEqual([])
})
