import { vi } from 'vitest'

/**
 * The `api` object the App tests put in place of the real client:
 * `vi.mock('./api', async (original) => ({ ...(await original()), api: (await import('./test/apiMock')).mockApi }))`.
 */
export const mockApi = {
  models: vi.fn(),
  model: vi.fn(),
  examples: vi.fn(),
  latentMap: vi.fn(),
  ready: vi.fn(),
  denoise: vi.fn(),
  encode: vi.fn(),
  compare: vi.fn(),
}
