/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { curlExamples } from './src/docs/examples'

const here = dirname(fileURLToPath(import.meta.url))

// The API routes the dev server forwards to the Flask app (same origin in production).
const apiRoutes = ['/denoise', '/encode', '/decode', '/compare', '/models', '/model', '/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']
const apiTarget = process.env.VITE_PROXY_TARGET ?? 'http://localhost:8000'

// '^/model(\\?.*)?$' so that /model does not swallow /models/...; the others are plain prefixes.
const proxy = Object.fromEntries(
  apiRoutes.map((route) => [route === '/model' ? '^/model(\\?.*)?$' : route, { target: apiTarget, changeOrigin: true }]),
)

/**
 * `virtual:api-examples`: the curl examples of ../docs/api.md for the docs page, read at build time
 * (an empty list where that file is not there, e.g. a Docker build context without docs/).
 */
function apiExamples(): Plugin {
  const id = 'virtual:api-examples'
  const file = resolve(here, '../docs/api.md')
  return {
    name: 'denoiser:api-examples',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(loaded) {
      if (loaded !== `\0${id}`) return null
      let markdown = ''
      try {
        markdown = readFileSync(file, 'utf8')
        this.addWatchFile(file)
      } catch {
        // no docs/ here: the page shows the reference without the examples
      }
      return `export default ${JSON.stringify(curlExamples(markdown))}`
    },
  }
}

/** Copy Swagger UI's prebuilt bundle and CSS (npm: swagger-ui-dist) into dist/docs/vendor/. */
function swaggerUi(): Plugin {
  return {
    name: 'denoiser:swagger-ui',
    apply: 'build',
    writeBundle(options) {
      const out = resolve(options.dir ?? resolve(here, 'dist'), 'docs/vendor')
      const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
      mkdirSync(out, { recursive: true })
      for (const name of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE']) copyFileSync(join(dist, name), join(out, name))
    },
  }
}

/** Write .gz and .br beside every text asset, so Flask can serve them compressed without nginx. */
function precompress(): Plugin {
  const types = new Set(['.js', '.css', '.html', '.svg', '.json', '.txt', '.map'])
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : [path]
    })
  return {
    name: 'denoiser:precompress',
    apply: 'build',
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        for (const path of walk(resolve(here, 'dist'))) {
          if (!types.has(extname(path))) continue
          const bytes = readFileSync(path)
          if (bytes.length < 1024) continue
          writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }))
          writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
        }
      },
    },
  }
}

export default defineConfig({
  plugins: [react(), apiExamples(), swaggerUi(), precompress()],
  server: { proxy },
  preview: { proxy },
  build: {
    target: 'es2022',
    rollupOptions: {
      // The app, and the API docs page as a second entry (kept out of the app's bundle).
      input: { main: resolve(here, 'index.html'), docs: resolve(here, 'docs/index.html') },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
})
