import { describe, expect, it, vi } from 'vitest'
import { createClient } from './client'
import { ApiError, NetworkError } from './errors'
import type { CompareResponse, CompareResult, DenoiseResponse } from './types'

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function mockFetch(...responses: (Response | Error | DOMException)[]) {
  const fn = vi.fn<typeof fetch>()
  for (const r of responses) {
    if (r instanceof Response) fn.mockResolvedValueOnce(r)
    else fn.mockRejectedValueOnce(r)
  }
  return fn
}

const denoiseAnswer: DenoiseResponse = {
  model: { name: 'mnist', version: 1 },
  noise: { type: 'gaussian', level: 0.5, seed: 7 },
  results: [],
  input: 'data:image/png;base64,AA==',
  noisy: 'data:image/png;base64,AA==',
  denoised: 'data:image/png;base64,AA==',
  metrics: { noisy: { psnr: 9, ssim: 0.3, mse: 0.1 }, denoised: { psnr: 21, ssim: 0.9, mse: 0.01 } },
  reading: null,
  uncertainty: null,
  timings_ms: { total: 3.2 },
  request_id: 'abc',
}

describe('api client', () => {
  it('GETs /models with an Accept header, same origin by default', async () => {
    const fetch = mockFetch(jsonResponse({ default: 'mnist', models: [] }))
    const api = createClient({ fetch })
    await expect(api.models()).resolves.toEqual({ default: 'mnist', models: [] })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/models')
    expect((init?.headers as Record<string, string>).Accept).toBe('application/json')
  })

  it('prefixes a base URL and encodes model names', async () => {
    const fetch = mockFetch(jsonResponse({ examples: [] }), jsonResponse({ points: [] }), jsonResponse({}))
    const api = createClient({ baseUrl: 'http://api.test:8000/', fetch })
    await api.examples('fashion-mnist')
    await api.latentMap('a b')
    await api.model('mnist')
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      'http://api.test:8000/models/fashion-mnist/examples',
      'http://api.test:8000/models/a%20b/latent-map',
      'http://api.test:8000/model?model=mnist',
    ])
  })

  it('POSTs /denoise as multipart with the image and every option', async () => {
    const fetch = mockFetch(jsonResponse(denoiseAnswer))
    const api = createClient({ fetch })
    const image = new Blob(['png'], { type: 'image/png' })
    const answer = await api.denoise(image, { model: 'mnist', noise: 'speckle', level: 0.25, seed: 42, preprocess: 'mnist', uncertainty: true })
    expect(answer.timings_ms.total).toBe(3.2)
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/denoise')
    expect(init?.method).toBe('POST')
    const form = init?.body as FormData
    expect(form).toBeInstanceOf(FormData)
    expect(form.get('image')).toBeInstanceOf(Blob)
    expect((form.get('image') as File).name).toBe('image.png')
    expect(Object.fromEntries([...form.entries()].filter(([k]) => k !== 'image'))).toEqual({
      model: 'mnist',
      noise: 'speckle',
      level: '0.25',
      seed: '42',
      preprocess: 'mnist',
      uncertainty: 'true',
    })
  })

  it('POSTs /encode with model and preprocess only', async () => {
    const fetch = mockFetch(jsonResponse({ latent: [1, 2], projection: [0.1, 0.2] }))
    const api = createClient({ fetch })
    await api.encode(new Blob(['x']), { model: 'fashion-mnist', preprocess: 'resize' })
    const form = fetch.mock.calls[0][1]?.body as FormData
    expect(fetch.mock.calls[0][0]).toBe('/encode')
    expect(form.get('model')).toBe('fashion-mnist')
    expect(form.get('preprocess')).toBe('resize')
    expect(form.get('noise')).toBeNull()
  })

  it('POSTs /decode as JSON (a point, or a batch of codes) and returns the images and codes', async () => {
    const one = { image: 'data:image/png;base64,AA==', latent: [0.5, -1] }
    const answer = { model: { name: 'mnist-vae', version: 1 }, results: [one], ...one, timings_ms: { total: 2 }, request_id: 'd' }
    const fetch = mockFetch(jsonResponse(answer), jsonResponse(answer))
    const api = createClient({ baseUrl: 'http://api.test', fetch })
    const signal = new AbortController().signal
    await expect(api.decode({ model: 'mnist-vae', point: [1.5, -2] }, signal)).resolves.toMatchObject({ latent: [0.5, -1] })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('http://api.test/decode')
    expect(init?.method).toBe('POST')
    expect(init?.signal).toBe(signal)
    expect(init?.headers).toMatchObject({ 'Content-Type': 'application/json', Accept: 'application/json' })
    expect(JSON.parse(String(init?.body))).toEqual({ model: 'mnist-vae', point: [1.5, -2] })
    await api.decode({ model: 'mnist-vae', latents: [[0, 1], [1, 0]] })
    expect(JSON.parse(String(fetch.mock.calls[1][1]?.body))).toEqual({ model: 'mnist-vae', latents: [[0, 1], [1, 0]] })
  })

  it('reports a refused decode with the server\'s message', async () => {
    const body = { error: { code: 'cannot_decode', message: 'mnist cannot decode; models that can: mnist-vae' } }
    const api = createClient({ fetch: mockFetch(jsonResponse(body, 422)) })
    await expect(api.decode({ model: 'mnist', latent: [0] })).rejects.toMatchObject({
      code: 'cannot_decode',
      status: 422,
      message: 'mnist cannot decode; models that can: mnist-vae',
    })
  })

  it('POSTs /compare as multipart with the options, and `methods` comma-separated', async () => {
    const result: CompareResult = {
      id: 'median',
      method: 'median (3x3)',
      kind: 'baseline',
      model: null,
      arch: null,
      params: { size: 3 },
      denoised: 'data:image/png;base64,AA==',
      metrics: { psnr: 15.2, ssim: 0.7, mse: 0.03 },
      ms: 0.4,
      reading: null,
      default: false,
    }
    const answer: CompareResponse = {
      model: { name: 'mnist', version: 5 },
      dataset: 'mnist',
      input: 'data:image/png;base64,AA==',
      noisy: 'data:image/png;base64,AA==',
      noise: { type: 'gaussian', level: 0.5, seed: 7, metrics: { psnr: 9, ssim: 0.3, mse: 0.1 } },
      results: [result],
      timings_ms: { total: 12 },
      request_id: 'c',
    }
    const fetch = mockFetch(jsonResponse(answer), jsonResponse(answer), jsonResponse(answer))
    const api = createClient({ baseUrl: 'http://api.test', fetch })
    const image = new Blob(['png'], { type: 'image/png' })
    const options = { model: 'mnist', noise: 'gaussian', level: 0.5, seed: 7, preprocess: 'resize' } as const
    const signal = new AbortController().signal
    await expect(api.compare(image, options, signal)).resolves.toEqual(answer)
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('http://api.test/compare')
    expect(init?.method).toBe('POST')
    expect(init?.signal).toBe(signal)
    const form = init?.body as FormData
    expect(form.get('image')).toBeInstanceOf(Blob)
    expect(Object.fromEntries([...form.entries()].filter(([k]) => k !== 'image'))).toEqual({
      model: 'mnist',
      noise: 'gaussian',
      level: '0.5',
      seed: '7',
      preprocess: 'resize',
    })
    await api.compare(image, { ...options, methods: 'all' })
    expect((fetch.mock.calls[1][1]?.body as FormData).get('methods')).toBe('all')
    await api.compare(image, { ...options, methods: ['mnist', 'median', 'pca'] })
    expect((fetch.mock.calls[2][1]?.body as FormData).get('methods')).toBe('mnist,median,pca')
  })

  it('reports a refused compare with the server\'s code and message', async () => {
    const body = { error: { code: 'invalid_option', message: "unknown method 'foo' for mnist" }, request_id: 'r9' }
    const api = createClient({ fetch: mockFetch(jsonResponse(body, 400)) })
    const options = { model: 'mnist', noise: 'none', level: 0, seed: 1, preprocess: 'mnist', methods: 'foo' } as const
    await expect(api.compare(new Blob(['x']), options)).rejects.toMatchObject({
      code: 'invalid_option',
      status: 400,
      message: "unknown method 'foo' for mnist",
      requestId: 'r9',
    })
  })

  it('builds the sprite URL without fetching it', () => {
    const fetch = mockFetch()
    expect(createClient({ fetch }).spriteUrl('mnist-vae')).toBe('/models/mnist-vae/latent-map/sprite.png')
    expect(createClient({ baseUrl: 'http://api.test/', fetch }).spriteUrl('a b')).toBe('http://api.test/models/a%20b/latent-map/sprite.png')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('turns error JSON into an ApiError with code, message, status and request id', async () => {
    const body = { error: { code: 'blank_image', message: 'The image is blank.' }, request_id: 'r-1' }
    const api = createClient({ fetch: mockFetch(jsonResponse(body, 422)) })
    const error = await api.denoise(new Blob(['x']), {
      model: 'mnist', noise: 'gaussian', level: 0.5, seed: 1, preprocess: 'mnist', uncertainty: false,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'blank_image', message: 'The image is blank.', status: 422, requestId: 'r-1' })
  })

  it('maps 404 model_not_found', async () => {
    const body = { error: { code: 'model_not_found', message: 'No model named nope' } }
    const api = createClient({ fetch: mockFetch(jsonResponse(body, 404)) })
    await expect(api.examples('nope')).rejects.toMatchObject({ code: 'model_not_found', status: 404 })
  })

  it('reports a non-JSON error page by its status', async () => {
    const api = createClient({ fetch: mockFetch(new Response('<html>oops</html>', { status: 500, statusText: 'Internal Server Error' })) })
    await expect(api.models()).rejects.toMatchObject({ code: 'http_error', status: 500, message: 'The server answered 500 Internal Server Error' })
  })

  it('treats a proxy 502 (dev server, API down) as a network error', async () => {
    const api = createClient({ fetch: mockFetch(new Response('', { status: 502 })) })
    await expect(api.models()).rejects.toBeInstanceOf(NetworkError)
  })

  it('throws a NetworkError with a clear message when the server is down', async () => {
    const api = createClient({ fetch: mockFetch(new TypeError('Failed to fetch')) })
    const error = await api.models().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'network_error', status: 0 })
    expect((error as Error).message).toMatch(/cannot reach the denoiser api/i)
  })

  it('lets aborts through untouched', async () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError')
    const api = createClient({ fetch: mockFetch(abort) })
    await expect(api.models()).rejects.toBe(abort)
  })

  it('rejects a 200 that is not JSON', async () => {
    const api = createClient({ fetch: mockFetch(new Response('nope', { status: 200 })) })
    await expect(api.models()).rejects.toMatchObject({ code: 'invalid_response' })
  })

  describe('ready()', () => {
    it('is ready on 200', async () => {
      const api = createClient({ fetch: mockFetch(jsonResponse({ status: 'ready', models: ['mnist'] })) })
      await expect(api.ready()).resolves.toEqual({ ready: true, status: 200, models: ['mnist'] })
    })
    it('is starting on 503, without throwing', async () => {
      const body = { error: { code: 'not_ready', message: 'warming up' } }
      const api = createClient({ fetch: mockFetch(jsonResponse(body, 503)) })
      await expect(api.ready()).resolves.toEqual({ ready: false, status: 503, models: [] })
    })
    it('is unreachable (status 0) when the fetch fails', async () => {
      const api = createClient({ fetch: mockFetch(new TypeError('Failed to fetch')) })
      await expect(api.ready()).resolves.toEqual({ ready: false, status: 0, models: [] })
    })
  })
})
