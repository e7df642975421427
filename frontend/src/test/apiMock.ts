import { vi } from 'vitest'
import type { EncodeResponse, Example, LatentMap, ModelInfo } from '../api'
import { encodeAnswer } from './answers'

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

/** What `serveModels` puts behind the mocked API. */
export interface Served {
  /** the models served, the first one the default */
  models: ModelInfo[]
  /** the gallery: one for every model, or each model's by name */
  examples: Example[] | ((model: string) => Example[])
  /** every model's latent map (only the keys the test needs); default two classes and one point */
  latentMap?: Partial<LatentMap>
  /** the /encode answer; default `encodeAnswer` of the default model */
  encode?: EncodeResponse
}

/**
 * A ready API serving `models`: sets `ready`, `models`, `examples`, `latentMap` and `encode` of `mockApi`.
 * `denoise` (and `compare`) are each test's own to set.
 */
export function serveModels({ models, examples, latentMap, encode }: Served) {
  const [first] = models
  mockApi.ready.mockResolvedValue({ ready: true, status: 200, models: models.map((m) => m.name) })
  mockApi.models.mockResolvedValue({ default: first.name, models })
  mockApi.examples.mockImplementation(async (name: string) => ({ examples: typeof examples === 'function' ? examples(name) : examples }))
  mockApi.latentMap.mockResolvedValue(latentMap ?? { points: [[0, 0, 1]], class_names: ['0', '1'] })
  mockApi.encode.mockResolvedValue(encode ?? encodeAnswer({ name: first.name, version: first.version }))
}
