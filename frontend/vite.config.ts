/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The API routes the dev server forwards to the Flask app (same origin in production).
const apiRoutes = ['/denoise', '/encode', '/models', '/model', '/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']
const apiTarget = process.env.VITE_PROXY_TARGET ?? 'http://localhost:8000'

// '^/model(\\?.*)?$' so that /model does not swallow /models/...; the others are plain prefixes.
const proxy = Object.fromEntries(
  apiRoutes.map((route) => [route === '/model' ? '^/model(\\?.*)?$' : route, { target: apiTarget, changeOrigin: true }]),
)

export default defineConfig({
  plugins: [react()],
  server: { proxy },
  preview: { proxy },
  build: {
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
})
