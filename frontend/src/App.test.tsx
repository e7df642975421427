import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import { mockApi, serveModels } from './test/apiMock'
import { denoiseAnswer, encodeAnswer, png, type DenoiseAnswerOptions } from './test/answers'
import { draw } from './test/pad'
import { ApiError, NetworkError, type DenoiseResponse } from './api'

vi.mock('./api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./api')>()),
  api: (await import('./test/apiMock')).mockApi,
}))

/** The answer to each request; `tag` tells the images of one answer from another's (png('den-<tag>')). */
function answer(tag = 'a', overrides: DenoiseAnswerOptions = {}): DenoiseResponse {
  return denoiseAnswer({
    tag,
    metrics: { noisy: { psnr: 9.4, ssim: 0.36, mse: 0.11 }, denoised: { psnr: 21.3, ssim: 0.89, mse: 0.007 } },
    timings_ms: { decode: 0.4, preprocess: 0.3, model: 1.8, encode: 0.5, total: 3.2 },
    ...overrides,
  })
}

const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

beforeEach(() => {
  vi.clearAllMocks()
  window.history.replaceState(null, '', '/')
  delete document.documentElement.dataset.theme
  window.localStorage.clear()
  serveModels({
    models: [
      { name: 'mnist', version: 1, versions: [1], metadata: { arch: 'unet', params: 1000, latent_dim: 4 } },
      { name: 'fashion-mnist', version: 1, versions: [1], metadata: {} },
    ],
    examples: (name) => [
      { label: 7, class_name: name === 'mnist' ? '7' : 'Sneaker', image: png('ex7') },
      { label: 3, class_name: name === 'mnist' ? '3' : 'Dress', image: png('ex3') },
    ],
    // a format 1 map: a PCA of the 4-value codes
    latentMap: {
      mean: [0, 0, 0, 0],
      components: [[1, 0, 0, 0], [0, 1, 0, 0]],
      explained_variance_ratio: [0.3, 0.2],
      points: [[0, 0, 1], [1, 1, 7]],
      class_names: classNames,
    },
    encode: encodeAnswer({ name: 'mnist', version: 1 }, { latent: [0.5, -1, 0, 2], projection: [0.1, 0.2] }),
  })
  mockApi.denoise.mockResolvedValue(answer())
})

async function renderApp() {
  render(<App />)
  await screen.findByRole('option', { name: /fashion-mnist/ })
}

describe('App', () => {
  it('has named controls and shows the API status', async () => {
    await renderApp()
    expect(screen.getByRole('img', { name: 'Drawing pad' })).toBeInTheDocument()
    for (const name of ['Denoise', 'Clear', 'Undo']) expect(screen.getByRole('button', { name })).toBeInTheDocument()
    expect(screen.getByLabelText('Model')).toHaveValue('mnist')
    expect(screen.getByLabelText(/Noise type/)).toHaveValue('gaussian')
    expect(screen.getByRole('slider', { name: 'Noise level' })).toHaveValue('0.5')
    expect(await screen.findByText('API ready')).toBeInTheDocument()
    expect(await screen.findByRole('button', { name: 'Example 1: 7' })).toBeInTheDocument()
  })

  it('refuses a blank pad client-side, without calling the API', async () => {
    await renderApp()
    await userEvent.click(screen.getByRole('button', { name: 'Denoise' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(/pad is blank/i)
    expect(mockApi.denoise).not.toHaveBeenCalled()
  })

  it('denoises a drawing when the stroke ends and shows images, metrics and server time', async () => {
    await renderApp()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    expect(mockApi.denoise).toHaveBeenCalledTimes(1)
    const [blob, options] = mockApi.denoise.mock.calls[0]
    expect(blob).toBeInstanceOf(Blob)
    expect((blob as Blob).type).toBe('image/png')
    expect(options).toMatchObject({ model: 'mnist', noise: 'gaussian', level: 0.5, preprocess: 'mnist' })
    expect(Number.isInteger(options.seed)).toBe(true)
    expect(mockApi.encode).toHaveBeenCalledWith(blob, { model: 'mnist', preprocess: 'mnist' }, expect.any(AbortSignal))

    expect(screen.getByRole('img', { name: /Original image/ })).toHaveAttribute('src', png('in-a'))
    expect(screen.getByRole('img', { name: /Noisy image/ })).toHaveAttribute('src', png('noisy-a'))
    expect(screen.getByText('21.3 dB')).toBeInTheDocument()
    expect(screen.getByText('9.4 dB')).toBeInTheDocument()
    expect(screen.getByText('0.890')).toBeInTheDocument()
    expect(screen.getByTestId('server-time')).toHaveTextContent('3.2 ms')
    for (const name of ['original', 'noisy', 'denoised', 'all three']) {
      expect(screen.getByRole('button', { name: `Download ${name}` })).toBeInTheDocument()
    }
    expect(screen.getByTestId('psnr-gain')).toHaveTextContent('+11.9 dB')
    expect(screen.queryByTestId('stale')).not.toBeInTheDocument()
    expect(await screen.findByRole('img', { name: 'Latent vector heatmap, 4 values' })).toBeInTheDocument()
    expect(screen.getByRole('img', { name: /your image at \(0\.10, 0\.20\)/ })).toBeInTheDocument()
  })

  it('shows a 4xx message in words', async () => {
    mockApi.denoise.mockRejectedValue(new ApiError('blank_image', 'The image is blank: nothing to denoise.', 422))
    await renderApp()
    draw()
    expect(await screen.findByRole('alert')).toHaveTextContent('The image is blank: nothing to denoise.')
  })

  it('says clearly when the API is down', async () => {
    mockApi.ready.mockResolvedValue({ ready: false, status: 0, models: [] })
    mockApi.models.mockRejectedValue(new NetworkError())
    mockApi.denoise.mockRejectedValue(new NetworkError())
    render(<App />)
    expect(await screen.findByText('API unreachable')).toBeInTheDocument()
    draw()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent(/API unavailable/)
    expect(alert).toHaveTextContent(/Cannot reach the denoiser API/)
  })

  it('ignores stale responses and keeps the newest', async () => {
    let resolveFirst: (value: DenoiseResponse) => void = () => {}
    mockApi.denoise
      .mockImplementationOnce(() => new Promise((resolve) => (resolveFirst = resolve)))
      .mockResolvedValueOnce(answer('second'))
    await renderApp()
    draw()
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    draw()
    await waitFor(() => expect(screen.getByRole('img', { name: /Denoised image/ })).toHaveAttribute('src', png('den-second')))
    await act(async () => resolveFirst(answer('first')))
    expect(screen.getByRole('img', { name: /Denoised image/ })).toHaveAttribute('src', png('den-second'))
    // the superseded request was aborted
    expect((mockApi.denoise.mock.calls[0][2] as AbortSignal).aborted).toBe(true)
  })

  it('keeps the previous images while a new request runs (no flicker)', async () => {
    await renderApp()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    mockApi.denoise.mockImplementationOnce(() => new Promise(() => {}))
    draw()
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(2))
    expect(screen.getByRole('img', { name: /Denoised image/ })).toHaveAttribute('src', png('den-a'))
    expect(screen.getByLabelText('Working')).toBeInTheDocument()
  })

  it('loads a gallery example with one click and sends it as MNIST-shaped (resize)', async () => {
    await renderApp()
    await userEvent.click(await screen.findByRole('button', { name: 'Example 2: 3' }))
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    expect(mockApi.denoise.mock.calls[0][1]).toMatchObject({ preprocess: 'resize', model: 'mnist' })
  })

  it('uploads an image from the file picker', async () => {
    await renderApp()
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!
    await userEvent.upload(input, new File(['png'], 'digit.png', { type: 'image/png' }))
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    const [blob, options] = mockApi.denoise.mock.calls[0]
    expect((blob as File).name).toBe('digit.png')
    expect(options).toMatchObject({ preprocess: 'mnist' })
  })

  it('accepts a dropped image and refuses a dropped text file', async () => {
    await renderApp()
    const pad = screen.getByRole('img', { name: 'Drawing pad' })
    fireEvent.drop(pad, { dataTransfer: { files: [new File(['x'], 'notes.txt', { type: 'text/plain' })] } })
    expect(await screen.findByRole('alert')).toHaveTextContent(/not an image/)
    fireEvent.drop(pad, { dataTransfer: { files: [new File(['png'], 'd.png', { type: 'image/png' })] } })
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
  })

  it('switches model: new examples, and requests use the new model', async () => {
    await renderApp()
    draw()
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    await userEvent.selectOptions(screen.getByLabelText('Model'), 'fashion-mnist')
    expect(await screen.findByRole('button', { name: 'Example 1: Sneaker' })).toBeInTheDocument()
    expect(mockApi.examples).toHaveBeenCalledWith('fashion-mnist', expect.any(AbortSignal))
    expect(mockApi.latentMap).toHaveBeenCalledWith('fashion-mnist', expect.any(AbortSignal))
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(2))
    expect(mockApi.denoise.mock.calls[1][1]).toMatchObject({ model: 'fashion-mnist' })
  })

  it('debounces the level slider and re-rolls the seed', async () => {
    await renderApp()
    draw()
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    const slider = screen.getByRole('slider', { name: 'Noise level' })
    for (const value of ['0.6', '0.7', '0.8']) fireEvent.change(slider, { target: { value } })
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(2))
    expect(mockApi.denoise.mock.calls[1][1]).toMatchObject({ level: 0.8 })
    const seed = mockApi.denoise.mock.calls[1][1].seed
    // results are current: Denoise draws a new noise sample
    await screen.findByRole('img', { name: /Denoised image/ })
    await userEvent.click(screen.getByRole('button', { name: 'Denoise' }))
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(3))
    expect(mockApi.denoise.mock.calls[2][1].seed).not.toBe(seed)
  })

  it('shows that there are no metrics without noise', async () => {
    mockApi.denoise.mockResolvedValue(answer('n', { metrics: null }))
    await renderApp()
    await userEvent.selectOptions(screen.getByLabelText(/Noise type/), 'none')
    draw()
    expect(await screen.findByText(/No noise added/)).toBeInTheDocument()
    expect(mockApi.denoise.mock.calls[0][1]).toMatchObject({ noise: 'none' })
    expect(screen.getByRole('slider', { name: 'Noise level' })).toBeDisabled()
  })

  it('undoes strokes (button and Ctrl+Z) and clears the pad and the results', async () => {
    await renderApp()
    draw()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }))
    expect(screen.getByRole('button', { name: 'Undo' })).toBeEnabled()
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    expect(screen.getByRole('button', { name: 'Undo' })).toBeDisabled()
    expect(screen.queryByRole('img', { name: /Denoised image/ })).not.toBeInTheDocument()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    await userEvent.click(screen.getByRole('button', { name: 'Clear' }))
    expect(screen.queryByRole('img', { name: /Denoised image/ })).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Denoise' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(/pad is blank/i)
  })

  it('draws the latent map legend from class_names', async () => {
    await renderApp()
    const legend = await screen.findByRole('list', { name: 'Classes' })
    expect(within(legend).getAllByRole('listitem')).toHaveLength(11)
    expect(within(legend).getByText('your image')).toBeInTheDocument()
  })

  it('labels old results out of date when a call fails, with the error beside the results', async () => {
    await renderApp()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    mockApi.denoise.mockRejectedValueOnce(new ApiError('internal', 'Something broke.', 500))
    draw()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Something broke.')
    expect(screen.getByTestId('stale')).toHaveTextContent('Out of date: the last request failed')
    // the alert sits in the results section, next to what it concerns
    expect(screen.getByRole('region', { name: 'Results' })).toContainElement(alert)
  })

  it('shows a refused image beside the pad', async () => {
    mockApi.denoise.mockRejectedValue(new ApiError('blank_image', 'The image is blank.', 422))
    await renderApp()
    draw()
    const alert = await screen.findByRole('alert')
    expect(screen.getByRole('region', { name: 'Input' })).toContainElement(alert)
  })

  it('clears the network error and re-runs by itself when the API comes back', async () => {
    await renderApp()
    await screen.findByText('API ready')
    mockApi.denoise.mockRejectedValueOnce(new NetworkError())
    mockApi.ready.mockResolvedValue({ ready: false, status: 0, models: [] })
    draw()
    expect(await screen.findByRole('alert')).toHaveTextContent(/Cannot reach the denoiser API/)
    expect(await screen.findByText('API unreachable')).toBeInTheDocument()
    mockApi.ready.mockResolvedValue({ ready: true, status: 200, models: ['mnist'] })
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(2), { timeout: 5000 })
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument())
    expect(await screen.findByRole('img', { name: /Denoised image/ })).toBeInTheDocument()
    expect(screen.queryByTestId('stale')).not.toBeInTheDocument()
  }, 10_000)

  it('with live update off, only Denoise runs the model; old results are marked', async () => {
    await renderApp()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    await userEvent.click(screen.getByRole('checkbox', { name: 'Live update' }))
    draw()
    expect(await screen.findByTestId('stale')).toHaveTextContent('Out of date: press Denoise')
    expect(mockApi.denoise).toHaveBeenCalledTimes(1)
    await userEvent.click(screen.getByRole('button', { name: 'Denoise' }))
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(2))
    await waitFor(() => expect(screen.queryByTestId('stale')).not.toBeInTheDocument())
  })

  it('redoes with Ctrl+Shift+Z and Ctrl+Y', async () => {
    await renderApp()
    draw()
    draw()
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    expect(screen.getByRole('button', { name: 'Undo' })).toBeDisabled()
    fireEvent.keyDown(window, { key: 'Z', ctrlKey: true, shiftKey: true })
    expect(screen.getByRole('button', { name: 'Undo' })).toBeEnabled()
    fireEvent.keyDown(window, { key: 'y', ctrlKey: true })
    expect(screen.getByRole('button', { name: 'Redo' })).toBeDisabled()
  })

  it('follows the model’s dataset in its words (no "digit" for fashion-mnist)', async () => {
    await renderApp()
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Digit denoiser')
    await userEvent.selectOptions(screen.getByLabelText('Model'), 'fashion-mnist')
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Fashion denoiser')
    expect(await screen.findByRole('heading', { name: 'Example clothing items' })).toBeInTheDocument()
    expect(document.body.textContent).not.toMatch(/digit/i)
  })

  it('outlines the crop on the pad and says what the model saw', async () => {
    mockApi.denoise.mockResolvedValue(
      answer('c', {
        crop: [28, 56, 140, 70],
        preprocess: { mode: 'mnist', background_removed: true, lines_removed: 1, stroke_px_before: 1.2, stroke_px_after: 2.5 },
      }),
    )
    await renderApp()
    draw()
    expect(await screen.findByTestId('model-saw')).toHaveTextContent(
      'Background evened out, a ruled line removed, strokes thickened from 1.2 px to 2.5 px',
    )
    expect(screen.getByTestId('crop-box').style.left).toBe('calc(10% - 3px)')
    expect(screen.getByTestId('crop-box').style.width).toBe('calc(50% + 6px)')
  })

  it('tolerates a server without crop and preprocess report', async () => {
    await renderApp()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    expect(screen.queryByTestId('crop-box')).not.toBeInTheDocument()
    expect(screen.queryByTestId('model-saw')).not.toBeInTheDocument()
  })

  it('keeps model, noise, level, seed and the example in the URL, and restores them', async () => {
    window.history.replaceState(null, '', '/?model=fashion-mnist&noise=speckle&level=0.3&seed=42&example=1')
    render(<App />)
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    expect(mockApi.denoise.mock.calls[0][1]).toEqual({ model: 'fashion-mnist', noise: 'speckle', level: 0.3, seed: 42, preprocess: 'resize', uncertainty: false })
    expect(await screen.findByRole('button', { name: 'Example 2: Dress' })).toHaveAttribute('aria-pressed', 'true')
    expect(screen.getByLabelText(/Noise type/)).toHaveValue('speckle')
    await userEvent.selectOptions(screen.getByLabelText(/Noise type/), 'gaussian')
    expect(window.location.search).toBe('?model=fashion-mnist&noise=gaussian&level=0.3&seed=42&example=1')
  })

  it('handles level 0 like no noise: no PSNR, never a 100 dB placeholder', async () => {
    await renderApp()
    fireEvent.change(screen.getByRole('slider', { name: 'Noise level' }), { target: { value: '0' } })
    mockApi.denoise.mockResolvedValue(answer('z', { metrics: null }))
    draw()
    await waitFor(() => expect(mockApi.denoise.mock.lastCall?.[1]).toMatchObject({ noise: 'none' }))
    expect(await screen.findByText(/No noise added/)).toBeInTheDocument()
    expect(screen.queryByText(/dB/)).not.toBeInTheDocument()
  })

  it('switches to dark mode and back', async () => {
    await renderApp()
    const toggle = screen.getByRole('button', { name: /Dark mode/ })
    await userEvent.click(toggle)
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(toggle).toHaveAttribute('aria-pressed', 'true')
    await userEvent.click(toggle)
    expect(document.documentElement.dataset.theme).toBe('light')
  })

  it('fetches /models once on load and opens the API docs in a new tab', async () => {
    await renderApp()
    draw()
    await screen.findByRole('img', { name: /Denoised image/ })
    expect(mockApi.models).toHaveBeenCalledTimes(1)
    expect(screen.getByRole('link', { name: /API docs/ })).toHaveAttribute('target', '_blank')
  })
})
