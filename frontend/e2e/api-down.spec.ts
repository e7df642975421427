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
  server = spawn(GUNICORN, GUNICORN_ARGS, {
    cwd: resolve(GUNICORN, '../../..'),
    env: { ...process.env, ...serverEnv(PORT) },
    stdio: 'ignore',
  })
  await waitReady(230_000)
})

test.afterAll(stop)

test('the API stops: a clear message, and the status says unreachable', async ({ page, consoleErrors }) => {
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
  // the last good images stay on screen
  await expectResults(page)
  await screenshot(page, 'api-down')
})
