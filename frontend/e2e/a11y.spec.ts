import { drawSeven, expect, expectAxeClean, expectResults, test } from './fixtures'

for (const scheme of ['light', 'dark'] as const) {
  test(`axe: no serious or critical violations (${scheme})`, async ({ page, consoleErrors }) => {
    void consoleErrors
    await page.emulateMedia({ colorScheme: scheme })
    await page.goto('/')
    await expect(page.getByText('API ready')).toBeVisible()
    await expect(page.getByRole('button', { name: /^Example 1:/ })).toBeVisible()
    await expectAxeClean(page, `${scheme}, empty`)
    await drawSeven(page)
    await expectResults(page)
    await page.getByRole('checkbox', { name: 'Wipe comparison' }).check()
    // the uncertainty map over the denoised image (trust.spec.ts checks the readings and the warning)
    await page.getByRole('checkbox', { name: 'Show the uncertainty map' }).check()
    await expect(page.getByRole('img', { name: 'Uncertainty map: brighter is less sure' })).toBeVisible()
    await page.getByRole('button', { name: 'About SSIM' }).click()
    await page.waitForTimeout(400)
    await expectAxeClean(page, `${scheme}, with results`)
    // the Compare view open (every method's card)
    await page.getByRole('button', { name: 'Compare all methods' }).click()
    await expect(page.getByTestId('compare-card').first()).toBeVisible()
    await expect(page.getByTestId('compare-stale')).toHaveCount(0)
    await page.waitForTimeout(400)
    await expectAxeClean(page, `${scheme}, compare open`)
    await page.setViewportSize({ width: 390, height: 844 })
    await expectAxeClean(page, `${scheme}, phone`)
  })
}

test('keyboard: skip links, a gallery example, undo and redo', async ({ page, consoleErrors }) => {
  void consoleErrors
  await page.goto('/')
  await expect(page.getByText('API ready')).toBeVisible()
  await expect(page.getByRole('button', { name: /^Example 1:/ })).toBeVisible()

  // the first Tab lands on the skip link, which moves the focus to the results
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to the results' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.locator('#results-title')).toBeFocused()

  // the gallery: pick an example with the keyboard; it is marked as chosen
  await page.getByRole('link', { name: 'Skip past the examples' }).focus()
  await page.keyboard.press('Tab')
  const first = page.getByRole('button', { name: /^Example 1:/ })
  await expect(first).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(first).toHaveAttribute('aria-pressed', 'true')
  await expectResults(page)

  // the skip link past the gallery goes on to the latent view
  await page.getByRole('link', { name: 'Skip past the examples' }).focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('#latent-title')).toBeInViewport()

  // undo (Ctrl+Z) takes the example off the pad, redo (Ctrl+Shift+Z, Ctrl+Y) brings it back
  await page.locator('body').click({ position: { x: 2, y: 2 } })
  await page.keyboard.press('Control+z')
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled()
  await expect(page.getByRole('img', { name: /^Denoised image/ })).toHaveCount(0)
  await page.keyboard.press('Control+Shift+Z')
  await expectResults(page)
  await page.keyboard.press('Control+z')
  await page.keyboard.press('Control+y')
  await expectResults(page)

  // the focus ring is visible on buttons
  await page.getByRole('button', { name: 'Denoise', exact: true }).focus()
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Tab')
  const outline = await page.getByRole('button', { name: 'Denoise', exact: true }).evaluate((el) => getComputedStyle(el).outlineWidth)
  expect(outline).toBe('3px')
})
