import { defineConfig } from '@playwright/test'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'

/**
 * End-to-end tests against the REAL API: gunicorn serving the committed models and the built SPA, plus a
 * model trained at run time on generated images (OWN_MODEL). No browser is downloaded: Debian's Chromium
 * runs them (CHROMIUM_PATH overrides the path).
 */
const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')
export const PORT = Number(process.env.E2E_PORT ?? 8765)
export const BASE_URL = `http://127.0.0.1:${PORT}`

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Chromium flags this environment needs (DESIGN.md); shared with tests/deploy/ui_smoke.mjs. */
export const CHROMIUM_ARGS: string[] = JSON.parse(readFileSync(resolve(here, 'e2e/chromium-args.json'), 'utf8'))

/** Environment for a gunicorn serving the API + SPA on `port` (also used by the API-down test). */
export function serverEnv(port: number): Record<string, string> {
  return {
    PORT: String(port),
    DENOISER_MODEL_DIR: process.env.DENOISER_MODEL_DIR ?? resolve(root, 'models'),
    DENOISER_STATIC_DIR: resolve(here, 'dist'),
    WEB_CONCURRENCY: '1',
    DENOISER_LOG_LEVEL: 'WARNING',
    GUNICORN_LOG_LEVEL: 'warning',
  }
}

export const GUNICORN = resolve(root, '.venv/bin/gunicorn')
export const GUNICORN_ARGS = ['-c', resolve(root, 'backend/gunicorn.conf.py'), 'denoiser.serving.wsgi:app']

/**
 * A model trained when the e2e server starts (`denoiser train --data` on 300 generated PNGs in class
 * folders, about 40 s; e2e/own-model-server.mjs) and served beside the committed ones, for
 * e2e/own-model.spec.ts. E2E_OWN_MODEL=0 leaves it out (that spec is then skipped).
 */
export const OWN_MODEL = process.env.E2E_OWN_MODEL === '0' ? null : 'e2e-own'
/** Where that server keeps the generated images and its models tree; removed when it stops. */
export const OWN_MODEL_WORKDIR = resolve(tmpdir(), `denoiser-e2e-${PORT}`)
const serve = `${GUNICORN} ${GUNICORN_ARGS.join(' ')}`

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright',
  fullyParallel: false,
  workers: 1, // one gunicorn worker and two shared CPU cores: run the scenarios one after another
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium', viewport: { width: 1280, height: 900 } },
    },
  ],
  webServer: {
    command: OWN_MODEL ? `node ${resolve(here, 'e2e/own-model-server.mjs')} ${serve}` : serve,
    cwd: root,
    url: `${BASE_URL}/readyz`, // 503 until the models are loaded and warmed
    env: { ...serverEnv(PORT), ...(OWN_MODEL ? { E2E_OWN_MODEL: OWN_MODEL, E2E_OWN_MODEL_WORKDIR: OWN_MODEL_WORKDIR } : {}) },
    timeout: OWN_MODEL ? 360_000 : 240_000, // training first: about 40 s on two cores
    reuseExistingServer: !process.env.CI && !!process.env.E2E_REUSE_SERVER,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
})
