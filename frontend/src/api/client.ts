import { ApiError, NetworkError, isAbortError } from './errors'
import type {
  CompareOptions,
  CompareResponse,
  DecodeRequest,
  DecodeResponse,
  DenoiseOptions,
  DenoiseResponse,
  EncodeOptions,
  EncodeResponse,
  ErrorBody,
  ExamplesResponse,
  LatentMap,
  ModelInfo,
  ModelsResponse,
  ReadyStatus,
} from './types'

export interface ClientOptions {
  /** Prefix for every route; '' means same origin (the Flask app serves the SPA). */
  baseUrl?: string
  fetch?: typeof fetch
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const error = (value as { error: unknown }).error
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error
}

/** Turn a non-2xx answer into an ApiError with the server's code and message when it sent one. */
async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // not JSON (a proxy's HTML error page, an empty body)
  }
  if (isErrorBody(body)) {
    return new ApiError(String(body.error.code), String(body.error.message), response.status, body.request_id)
  }
  if (response.status === 502 || response.status === 504) {
    return new NetworkError()
  }
  return new ApiError('http_error', `The server answered ${response.status} ${response.statusText}`.trim(), response.status)
}

/** Multipart fields as text: numbers and booleans as `String` writes them ("0.5", "true"), which the server parses. */
function imageForm(image: Blob, fields: Record<string, string | number | boolean>): FormData {
  const form = new FormData()
  const name = image instanceof File ? image.name : 'image.png'
  form.append('image', image, name)
  for (const [key, value] of Object.entries(fields)) form.append(key, String(value))
  return form
}

/** Build a typed client for the denoiser API. Components use `api` (below), never fetch. */
export function createClient(options: ClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '')
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))

  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await doFetch(baseUrl + path, { ...init, headers: { Accept: 'application/json', ...init.headers } })
    } catch (error) {
      if (isAbortError(error)) throw error
      throw new NetworkError()
    }
  }

  async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await send(path, init)
    if (!response.ok) throw await toApiError(response)
    try {
      return (await response.json()) as T
    } catch (error) {
      if (isAbortError(error)) throw error
      throw new ApiError('invalid_response', 'The server sent an answer that is not JSON.', response.status)
    }
  }

  const enc = encodeURIComponent

  return {
    /** GET /models: the models served side by side and the default one. */
    models: (signal?: AbortSignal) => request<ModelsResponse>('/models', { signal }),
    /** GET /model?model=name: one model's card. */
    model: (name: string, signal?: AbortSignal) => request<ModelInfo['metadata']>(`/model?model=${enc(name)}`, { signal }),
    /** GET /models/<name>/examples: 20 real test images. */
    examples: (name: string, signal?: AbortSignal) => request<ExamplesResponse>(`/models/${enc(name)}/examples`, { signal }),
    /** GET /models/<name>/latent-map: the 2-D map of the test set. */
    latentMap: (name: string, signal?: AbortSignal) => request<LatentMap>(`/models/${enc(name)}/latent-map`, { signal }),
    /** The latent map's sprite (all map digits in one PNG), for an <img> or a canvas; not fetched here. */
    spriteUrl: (name: string) => `${baseUrl}/models/${enc(name)}/latent-map/sprite.png`,
    /** GET /readyz: never throws; tells ready, starting (503) or unreachable (status 0). */
    async ready(signal?: AbortSignal): Promise<ReadyStatus> {
      let response: Response
      try {
        response = await send('/readyz', { signal })
      } catch (error) {
        if (isAbortError(error)) throw error
        return { ready: false, status: 0, models: [] }
      }
      let body: { status?: string; models?: unknown } = {}
      try {
        body = (await response.json()) as typeof body
      } catch {
        // ignore
      }
      const models = Array.isArray(body.models) ? body.models.map(String) : []
      if (response.status === 502 || response.status === 504) return { ready: false, status: 0, models }
      return { ready: response.ok, status: response.status, models }
    },
    /** POST /denoise with one image as multipart `image`. */
    denoise: (image: Blob, options: DenoiseOptions, signal?: AbortSignal) =>
      request<DenoiseResponse>('/denoise', {
        method: 'POST',
        body: imageForm(image, { ...options }),
        signal,
      }),
    /** POST /encode: latent vector and its projection onto the latent map. */
    encode: (image: Blob, options: EncodeOptions, signal?: AbortSignal) =>
      request<EncodeResponse>('/encode', {
        method: 'POST',
        body: imageForm(image, { ...options }),
        signal,
      }),
    /** POST /decode (JSON): what a decoding model draws from codes or map points. */
    decode: (body: DecodeRequest, signal?: AbortSignal) =>
      request<DecodeResponse>('/decode', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      }),
    /** POST /compare: one image through every served model of its dataset and the classical baselines. */
    compare: (image: Blob, { methods, ...options }: CompareOptions, signal?: AbortSignal) =>
      request<CompareResponse>('/compare', {
        method: 'POST',
        body: imageForm(image, methods === undefined ? { ...options } : { ...options, methods: [methods].flat().join(',') }),
        signal,
      }),
  }
}

export type ApiClient = ReturnType<typeof createClient>
