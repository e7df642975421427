import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { GUNICORN, GUNICORN_ARGS, serverEnv } from '../playwright.config'
import { drawSeven, expect, expectResults, screenshot, test } from './fixtures'

/**
 * A real stop: this test starts its own gunicorn (own port), loads the app from it, then stops the
 * server and checks that the UI says so in words. The browser logs the refused connections.
 */
const PORT = Number(process.env.E2E_DOWN_PORT ?? 8766)
const BASE = `http://127.0.0.1:${PORT}`

test.use({ allowConsoleErrors: /Failed to load resource|ERR_CONNECTION_REFUSED|net::ERR_/ })

let server: ChildProcess | null = null

async function waitReady(timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`gunicorn exited with ${server?.exitCode}`)
    try {
      if ((await fetch(`${BASE}/readyz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`gunicorn on ${PORT} not ready after ${timeoutMs} ms`)
}

async function stop() {
  const child = server
  server = null
  if (!child || child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
  if (child.exitCode === null) child.kill('SIGKILL')
}

test.beforeAll(async () => {
  test.setTimeout(240_000)
  start()
  await waitReady(230_000)
})

test.afterAll(stop)

function start() {
  server = spawn(GUNICORN, GUNICORN_ARGS, {
    cwd: resolve(GUNICORN, '../../..'),
    env: { ...process.env, ...serverEnv(PORT) },
    stdio: 'ignore',
  })
}

test('the API stops, then comes back: the error clears and the last request re-runs by itself', async ({ page, consoleErrors }) => {
  test.setTimeout(300_000)
  void consoleErrors
  await page.goto(BASE + '/')
  await expect(page.getByText('API ready')).toBeVisible()
  await drawSeven(page)
  await expectResults(page)

  await stop()

  await drawSeven(page)
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('Cannot reach the denoiser API. Is the server running?')
  await expect(page.getByRole('status').filter({ hasText: 'API unreachable' })).toBeVisible()
  // the last good images stay on screen, labelled out of date
  await expectResults(page)
  await expect(page.getByTestId('stale')).toContainText('Out of date')
  await screenshot(page, 'api-down')

  // the server comes back: without a new stroke, the request re-runs and the error goes
  const rerun = page.waitForResponse((response) => response.url().endsWith('/denoise') && response.status() === 200, {
    timeout: 240_000,
  })
  start()
  await waitReady(230_000)
  await rerun
  await expect(page.getByText('API ready')).toBeVisible()
  await expect(page.getByRole('alert')).toHaveCount(0)
  await expect(page.getByTestId('stale')).toHaveCount(0)
  await expectResults(page)
})
