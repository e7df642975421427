import { drawSeven, expect, expectResults, test } from './fixtures'

test('the URL holds model, noise, level, seed and example: a link reproduces the view', async ({ page, request, consoleErrors }) => {
  void consoleErrors
  const served = (await (await request.get('/models')).json()) as { models: { name: string }[] }
  const model = served.models.some((m) => m.name === 'fashion-mnist') ? 'fashion-mnist' : 'mnist'
  const link = `/?model=${model}&noise=speckle&level=0.3&seed=42&example=2`
  await page.goto(link)
  await expect(page.getByText('API ready')).toBeVisible()
  await expectResults(page)
  await expect(page.getByLabel('Model')).toHaveValue(model)
  await expect(page.getByLabel('Noise type')).toHaveValue('speckle')
  await expect(page.getByRole('slider', { name: 'Noise level' })).toHaveValue('0.3')
  await expect(page.getByRole('button', { name: /^Example 3:/ })).toHaveAttribute('aria-pressed', 'true')
  if (model === 'fashion-mnist') {
    await expect(page.getByRole('heading', { level: 1 })).not.toContainText(/digit/i)
    await expect(page.locator('body')).not.toContainText(/draw a digit/i)
  }
  const noisy = await page.getByRole('img', { name: /^Noisy image/ }).getAttribute('src')

  // the same link in a new page gives the same noisy image (same example, noise and seed)
  const other = await page.context().newPage()
  await other.goto(link)
  await expectResults(other)
  await expect(other.getByRole('img', { name: /^Noisy image/ })).toHaveAttribute('src', noisy!)
  await other.close()

  // changes are written back; a drawing drops the example
  await page.getByLabel('Noise type').selectOption('gaussian')
  await expect(page).toHaveURL(/noise=gaussian/)
  await drawSeven(page)
  await expect(page).not.toHaveURL(/example=/)
  await expect(page).toHaveURL(new RegExp(`model=${model}&noise=gaussian&level=0.3&seed=42$`))
})

test('the API docs link opens the docs in a new tab and the drawing stays', async ({ page, context, consoleErrors }) => {
  void consoleErrors
  await page.goto('/')
  await expect(page.getByText('API ready')).toBeVisible()
  await drawSeven(page)
  await expectResults(page)
  const opened = context.waitForEvent('page')
  await page.getByRole('link', { name: /API docs/ }).click()
  const docs = await opened
  await docs.waitForLoadState()
  expect(new URL(docs.url()).pathname).toBe('/docs')
  await expect(page.getByRole('button', { name: 'Undo' })).toBeEnabled()
  await expectResults(page)
})
