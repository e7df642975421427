import { drawSeven, expect, expectInViewport, expectResults, screenshot, test, touchStroke, whitePng } from './fixtures'

/**
 * Phone, tablet and desktop: after a stroke the denoised image is in view without scrolling, and a
 * refused upload's alert is in view too. Screenshots in light and dark for docs/frontend.md.
 */
const screens = [
  { name: 'phone', width: 390, height: 844, touch: true },
  { name: 'tablet', width: 768, height: 1024, touch: false },
  { name: 'desktop', width: 1280, height: 900, touch: false },
] as const

for (const screen of screens) {
  test.describe(`${screen.name} ${screen.width}x${screen.height}`, () => {
    test.use({
      viewport: { width: screen.width, height: screen.height },
      hasTouch: screen.touch,
      isMobile: screen.touch,
      // the refused blank upload is logged by Chromium as a failed (422) resource
      allowConsoleErrors: /status of 422/,
    })

    test('the denoised image is in view after a stroke; a refused upload is announced in view', async ({ page, consoleErrors }) => {
      void consoleErrors
      await page.goto('/')
      await expect(page.getByText('API ready')).toBeVisible()
      await expect(page.getByRole('button', { name: /^Example 1:/ })).toBeVisible()
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(screen.width)

      const pad = page.getByRole('img', { name: 'Drawing pad' })
      await expect(pad).toHaveCSS('touch-action', 'none')
      if (screen.touch) {
        // a margin beside the pad to scroll the page with a finger
        const box = (await pad.boundingBox())!
        expect(box.x).toBeGreaterThanOrEqual(24)
        expect(screen.width - (box.x + box.width)).toBeGreaterThanOrEqual(24)
        await touchStroke(page, [
          [0.28, 0.25],
          [0.72, 0.25],
          [0.45, 0.8],
        ])
      } else {
        await drawSeven(page)
      }
      await expectResults(page)
      expect(await page.evaluate(() => window.scrollY)).toBe(0)
      await expectInViewport(page, page.getByRole('img', { name: /^Denoised image/ }))
      await expectInViewport(page, page.getByRole('img', { name: /^Noisy image/ }))
      await page.waitForTimeout(400) // let the out-of-date fade settle before the picture
      await screenshot(page, `${screen.name}-light`, false)

      await page.emulateMedia({ colorScheme: 'dark' })
      await screenshot(page, `${screen.name}-dark`, false)
      await page.emulateMedia({ colorScheme: 'light' })

      // a blank upload: the server's 422 shows beside the pad, in view, and the old results are out of date
      await page.locator('input[type=file]').setInputFiles({ name: 'white.png', mimeType: 'image/png', buffer: await whitePng(page) })
      const alert = page.getByRole('alert')
      await expect(alert).toHaveAttribute('data-code', 'blank_image')
      await expectInViewport(page, alert)
      await expect(page.getByTestId('stale')).toBeVisible()
    })
  })
}

test('dark mode: the system setting and the toggle change the page', async ({ page, consoleErrors }) => {
  void consoleErrors
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
  await page.emulateMedia({ colorScheme: 'light' })
  await page.goto('/')
  await expect(page.getByText('API ready')).toBeVisible()
  const light = await background()
  await page.emulateMedia({ colorScheme: 'dark' })
  const dark = await background()
  expect(dark).not.toBe(light)
  // the toggle overrides the system, and is remembered
  await page.getByRole('button', { name: /Dark mode/ }).click()
  expect(await background()).toBe(light)
  await page.reload()
  await expect(page.getByText('API ready')).toBeVisible()
  expect(await background()).toBe(light)
  await page.getByRole('button', { name: /Dark mode/ }).click()
  expect(await background()).toBe(dark)
})
