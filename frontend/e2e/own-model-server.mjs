/**
 * The e2e web server when a model trained at run time is wanted (playwright.config.ts, OWN_MODEL):
 *
 *   1. writes 300 Fashion-MNIST test images as PNGs in class subfolders ("your images") under $E2E_OWN_MODEL_WORKDIR/images
 *   2. `denoiser train --data images --name $E2E_OWN_MODEL --epochs 1 --width 4 --latent-dim 16` into .../models
 *   3. links every committed model ($DENOISER_MODEL_DIR/<name>) into .../models beside it
 *   4. runs the command it is given (gunicorn) with DENOISER_MODEL_DIR=.../models, and removes the folder once
 *      that exits (SIGTERM from Playwright)
 *
 * Nothing is written under the repository. Usage: node e2e/own-model-server.mjs GUNICORN ARGS...
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const name = process.env.E2E_OWN_MODEL ?? 'e2e-own'
const workdir = process.env.E2E_OWN_MODEL_WORKDIR
const committed = process.env.DENOISER_MODEL_DIR ?? resolve(root, 'models')
const IMAGES = Number(process.env.E2E_OWN_MODEL_IMAGES ?? 300)
const [command, ...args] = process.argv.slice(2)
if (!workdir || !command) {
  console.error('usage: E2E_OWN_MODEL_WORKDIR=DIR node e2e/own-model-server.mjs GUNICORN ARGS...')
  process.exit(2)
}

const WRITE_IMAGES = `
import sys
from pathlib import Path
import numpy as np
from PIL import Image
from denoiser.training import data
out, n = Path(sys.argv[1]), int(sys.argv[2])
images = data.load_dataset("fashion-mnist", allow_keras=False)
names = data.CLASS_NAMES["fashion-mnist"]
for i in range(n):
    folder = out / names[int(images.y_test[i])].split("/")[0]  # "T-shirt/top" is no folder name
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(images.x_test[i], dtype=np.uint8)).save(folder / f"{i:04d}.png")
`

let child = null
let stopping = false
const cleanup = () => rmSync(workdir, { recursive: true, force: true })
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    stopping = true
    if (child && child.exitCode === null) child.kill(signal)
    else {
      cleanup()
      process.exit(1)
    }
  })
}

/** Run a step to its end; its output goes to a log, printed only when it fails. */
function step(label, file, argv) {
  const log = join(workdir, `${label}.log`)
  return new Promise((done, fail) => {
    const started = Date.now()
    const out = openSync(log, 'w')
    child = spawn(file, argv, { cwd: root, stdio: ['ignore', out, out] })
    child.once('error', fail)
    child.once('exit', (code) => {
      closeSync(out)
      child = null
      if (code === 0) return done((Date.now() - started) / 1000)
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : ''
      fail(new Error(`${label} failed (exit ${code}):\n${tail}`))
    })
  })
}

try {
  cleanup() // a folder left by a server that was killed
  const images = join(workdir, 'images')
  const models = join(workdir, 'models')
  mkdirSync(images, { recursive: true })
  mkdirSync(models, { recursive: true })
  const venv = resolve(root, '.venv/bin')
  const wrote = await step('images', join(venv, 'python'), ['-c', WRITE_IMAGES, images, String(IMAGES)])
  const trained = await step('train', join(venv, 'denoiser'), [
    'train', '--data', images, '--name', name, '--epochs', '1', '--width', '4', '--latent-dim', '16', '--output-dir', models,
  ])
  for (const entry of readdirSync(committed, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== name) symlinkSync(join(committed, entry.name), join(models, entry.name))
  }
  console.error(`e2e: ${name} trained on ${IMAGES} generated images (${wrote.toFixed(0)} s + ${trained.toFixed(0)} s), served beside ${committed}`)
  if (stopping) throw new Error('stopped')

  child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, DENOISER_MODEL_DIR: models } })
  child.once('exit', (code, signal) => {
    cleanup()
    process.exit(code ?? (signal ? 0 : 1))
  })
} catch (error) {
  console.error(`e2e: ${error instanceof Error ? error.message : error}`)
  cleanup()
  process.exit(1)
}
