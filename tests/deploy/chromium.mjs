// Headless Debian Chromium for the deployment tests' browser scripts (ui_smoke.mjs, and
// tests/containers/browser_walk.mjs): playwright-core from frontend/node_modules (no browser download)
// and the same flags as the frontend's Playwright runs (frontend/e2e/chromium-args.json).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The --url, --chromium and --timeout options every script takes, plus its own. */
export const commonOptions = {
  url: { type: 'string' },
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
  timeout: { type: 'string', default: '60000' },
}

/**
 * A 1280x900 page in a fresh profile; `close()` ends the browser and removes the profile (also when the
 * launch itself fails).
 */
export async function openChromium({ chromium, timeout }, profilePrefix) {
  const require = createRequire(join(root, 'frontend', 'package.json'))
  const playwright = require('playwright-core')
  const args = JSON.parse(readFileSync(join(root, 'frontend', 'e2e', 'chromium-args.json'), 'utf8'))
  const userDataDir = mkdtempSync(join(tmpdir(), profilePrefix))
  let context
  const close = async () => {
    await context?.close().catch(() => {})
    rmSync(userDataDir, { recursive: true, force: true })
  }
  try {
    context = await playwright.chromium.launchPersistentContext(userDataDir, {
      executablePath: chromium,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [...args, '--disable-dev-shm-usage'],
    })
  } catch (error) {
    await close()
    throw error
  }
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(Number(timeout))
  return { context, page, close }
}
