import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import { mockApi, serveModels } from './test/apiMock'
import { denoiseAnswer, png } from './test/answers'
import { draw } from './test/pad'
import type { DenoiseResponse } from './api'

/** "My image is already noisy": uploads and noisy examples are denoised as they are; drawings get noise. */

vi.mock('./api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./api')>()),
  api: (await import('./test/apiMock')).mockApi,
}))

/** The answer to a drawing (noise added, scored) or to an image denoised as it is (no metrics). */
function answer(noised: boolean): DenoiseResponse {
  const metrics = { noisy: { psnr: 9.4, ssim: 0.36, mse: 0.11 }, denoised: { psnr: 21.3, ssim: 0.89, mse: 0.007 } }
  return denoiseAnswer({ noised, metrics: noised ? metrics : null, noise_estimate: 0.45, denoised_noise_estimate: 0.012 })
}

const fetchExample = vi.fn()

beforeEach(() => {
  vi.clearAllMocks()
  window.history.replaceState(null, '', '/')
  serveModels({
    models: [{ name: 'mnist', version: 1, versions: [1], metadata: { dataset: 'mnist' } }],
    examples: [{ label: 7, class_name: '7', image: png('ex7') }],
  })
  mockApi.denoise.mockImplementation(async (_blob: Blob, options: { noise: string }) => answer(options.noise !== 'none'))
  fetchExample.mockImplementation(async () => new Response(new Blob(['jpeg'], { type: 'image/jpeg' })))
  vi.stubGlobal('fetch', fetchExample)
})

afterEach(() => vi.unstubAllGlobals())

async function upload() {
  const input = document.querySelector<HTMLInputElement>('input[type=file]')!
  await userEvent.upload(input, new File(['png'], 'scan.png', { type: 'image/png' }))
}

const lastOptions = () => mockApi.denoise.mock.lastCall?.[1]
const modeRadio = (name: RegExp) => screen.getByRole('radio', { name })

describe('an image that is already noisy', () => {
  it('sends an upload with nothing added, and shows the noise estimate in words instead of PSNR', async () => {
    render(<App />)
    await upload()
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    expect(lastOptions()).toMatchObject({ noise: 'none', preprocess: 'mnist' })
    expect(await screen.findByTestId('noise-estimate')).toHaveTextContent(
      'Received: heavy noise, about σ 0.45 → denoised: no visible noise, about σ 0.01',
    )
    expect(screen.getByRole('img', { name: /^Received image/ })).toHaveAttribute('src', png('in'))
    expect(screen.getByRole('img', { name: /^Denoised image/ })).toHaveAttribute('src', png('den'))
    expect(screen.queryByRole('img', { name: /^Noisy image/ })).not.toBeInTheDocument()
    expect(screen.getByText(/no clean reference to score against/)).toBeInTheDocument()
    expect(screen.queryByText(/dB/)).not.toBeInTheDocument()
    expect(modeRadio(/already noisy/)).toBeChecked()
    expect(screen.getByLabelText('Noise type')).toBeDisabled()
    // the downloads are the received and the denoised image
    const downloads = screen.getByRole('group', { name: /^Downloads/ })
    expect(within(downloads).getAllByRole('button').map((b) => b.textContent)).toEqual(['Download received', 'Download denoised', 'Download both'])
  })

  it('adds noise again after one click on "Add noise (demo)", with the previous type and level', async () => {
    render(<App />)
    await userEvent.selectOptions(screen.getByLabelText('Noise type'), 'speckle')
    await upload()
    await waitFor(() => expect(lastOptions()).toMatchObject({ noise: 'none' }))
    await userEvent.click(modeRadio(/Add noise/))
    await waitFor(() => expect(lastOptions()).toMatchObject({ noise: 'speckle', level: 0.5 }))
    expect(await screen.findByRole('img', { name: /^Noisy image/ })).toBeInTheDocument()
    expect(screen.getByLabelText('Noise type')).toBeEnabled()
  })

  it('switches back to the demo when the user draws, and to as-is on the next upload', async () => {
    render(<App />)
    await upload()
    await waitFor(() => expect(lastOptions()).toMatchObject({ noise: 'none' }))
    draw()
    await waitFor(() => expect(lastOptions()).toMatchObject({ noise: 'gaussian', level: 0.5 }))
    expect(modeRadio(/Add noise/)).toBeChecked()
    await userEvent.click(screen.getByRole('button', { name: 'Clear' }))
    await upload()
    await waitFor(() => expect(lastOptions()).toMatchObject({ noise: 'none' }))
    expect(modeRadio(/already noisy/)).toBeChecked()
  })

  it('loads a noisy example from /examples/ as an upload, denoised as it is', async () => {
    render(<App />)
    const example = await screen.findByRole('button', { name: 'Noisy scan (JPEG)' })
    await userEvent.click(example)
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    expect(fetchExample).toHaveBeenCalledWith('/examples/noisy-scan.jpg', expect.anything())
    const [blob, options] = mockApi.denoise.mock.calls[0]
    expect((blob as File).name).toBe('noisy-scan.jpg')
    expect(options).toMatchObject({ noise: 'none', preprocess: 'mnist' })
    expect(example).toHaveAttribute('aria-pressed', 'true')
    // a dataset example is clean: the demo adds noise to it
    await userEvent.click(await screen.findByRole('button', { name: 'Example 1: 7' }))
    await waitFor(() => expect(lastOptions()).toMatchObject({ noise: 'gaussian', preprocess: 'resize' }))
    expect(example).toHaveAttribute('aria-pressed', 'false')
  })

  it('says so when a noisy example cannot be fetched', async () => {
    fetchExample.mockResolvedValueOnce(new Response('gone', { status: 404 }))
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Grainy scan' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('That example could not be loaded')
    expect(mockApi.denoise).not.toHaveBeenCalled()
  })

  it('keeps the demo for drawings: noise and level are sent explicitly', async () => {
    render(<App />)
    draw()
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(1))
    expect(lastOptions()).toMatchObject({ noise: 'gaussian', level: 0.5 })
    expect(await screen.findByTestId('noise-estimate')).toHaveTextContent('Received: heavy noise, about σ 0.45')
    expect(screen.getByText('21.3 dB')).toBeInTheDocument()
  })
})
