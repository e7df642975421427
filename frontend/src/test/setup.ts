import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach, vi } from 'vitest'
import { installCanvasMock } from './canvasMock'

installCanvasMock()

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})
