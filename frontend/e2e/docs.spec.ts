import { expect, test, tryGetModels } from './fixtures'

test('the API docs page: Swagger UI from local files, curl examples, a way back, and "try it"', async ({ page, baseURL, consoleErrors }) => {
  void consoleErrors
  const foreign: string[] = []
  page.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(baseURL!) && !url.startsWith('data:')) foreign.push(url)
  })
  await page.goto('/docs')
  await expect(page.getByRole('link', { name: /Back to the app/ }).first()).toHaveAttribute('href', '/')
  await page.getByText('Request examples (curl').click()
  await expect(page.locator('#examples pre').first()).toBeVisible()
  await expect(page.locator('#examples pre').first()).toContainText('curl')
  await expect(page.locator('#examples')).toContainText('/denoise')
  const denoise = page.locator('.opblock-post').filter({ hasText: '/denoise' }).first()
  await expect(denoise).toBeVisible()

  // try it: GET /models from the page
  await tryGetModels(page)

  // /denoise has "try it" too
  await denoise.locator('.opblock-summary').click()
  await expect(denoise.getByRole('button', { name: /Execute|Try it out/ }).first()).toBeVisible()
  expect(foreign, 'requests to other origins').toEqual([])
})
