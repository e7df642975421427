import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import { mockApi, serveModels } from './test/apiMock'
import { denoiseAnswer, png } from './test/answers'
import { draw } from './test/pad'
import type { CompareResponse, DenoiseMetrics, DenoiseOptions, DenoiseResponse, Reading } from './api'

/** "Trust what comes out": the reading and its warning, and the uncertainty map asked for through the app. */

vi.mock('./api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./api')>()),
  api: (await import('./test/apiMock')).mockApi,
}))

const changed: Reading = {
  classifier: { name: 'mnist-classifier', version: 1 },
  input: { label: 4, class_name: '4', probability: 1 },
  noisy: { label: 8, class_name: '8', probability: 0.65 },
  denoised: { label: 9, class_name: '9', probability: 0.58 },
  risk: 0.42,
  changed: true,
  why: 'class',
}

const mnist5 = { name: 'mnist', version: 5 }
const heavyNoise: DenoiseMetrics = { noisy: { psnr: 6.3, ssim: 0.28, mse: 0.23 }, denoised: { psnr: 16.7, ssim: 0.77, mse: 0.02 } }

/** The answer to `options`: the digit changed, with the uncertainty map when it was asked for. */
function answer(options: Partial<DenoiseOptions>): DenoiseResponse {
  const uncertainty = options.uncertainty ? { map: png('map'), mean: 0.02, passes: 8, extra_sigma: 0.1 } : null
  return denoiseAnswer({ model: mnist5, level: 0.9, seed: options.seed ?? 1, metrics: heavyNoise, reading: changed, uncertainty })
}

const compareAnswer: CompareResponse = {
  model: mnist5,
  dataset: 'mnist',
  input: png('in'),
  noisy: png('noisy'),
  noise: { type: 'gaussian', level: 0.9, seed: 2, metrics: heavyNoise.noisy },
  results: [
    {
      id: 'mnist',
      method: 'unet (mnist/5)',
      kind: 'model',
      model: mnist5,
      arch: 'unet',
      params: null,
      denoised: png('den'),
      metrics: heavyNoise.denoised,
      ms: 1.2,
      reading: changed,
      default: true,
    },
  ],
  timings_ms: { total: 5 },
  request_id: 'c',
}

beforeEach(() => {
  vi.clearAllMocks()
  window.history.replaceState(null, '', '/')
  serveModels({
    models: [{ ...mnist5, versions: [5], metadata: { dataset: 'mnist' } }],
    examples: [{ label: 4, class_name: '4', image: png('ex4') }],
  })
  mockApi.denoise.mockImplementation(async (_blob: Blob, options: DenoiseOptions) => answer(options))
  mockApi.compare.mockResolvedValue(compareAnswer)
})

/** The app with its model and gallery loaded (the requests then go to that model). */
async function renderApp() {
  render(<App />)
  await screen.findByText('API ready')
  await screen.findByRole('button', { name: 'Example 1: 4' })
}

// the first answer goes through the pad's PNG, the request, image decoding: slow on a busy machine
const slow = { timeout: 5000 }

describe('trust what comes out', () => {
  it('reads each image and warns when denoising changed the digit', async () => {
    await renderApp()
    draw()
    expect(await screen.findByRole('alert', {}, slow)).toHaveTextContent('Denoising changed the digit: the noisy 4 came out as a 9.')
    expect(screen.getByTestId('reading-input')).toHaveTextContent('reads as 4, 100%')
    expect(screen.getByTestId('reading-noisy')).toHaveTextContent('reads as 8, 65%')
    expect(screen.getByTestId('reading-denoised')).toHaveTextContent('reads as 9, 58%')
    // asked for without the map: it costs about 8x the model's time
    expect(mockApi.denoise.mock.calls[0][1]).toMatchObject({ uncertainty: false })
  })

  it('the switch asks again with uncertainty: true, shows the map and keeps it in the URL', async () => {
    await renderApp()
    draw()
    await screen.findByRole('img', { name: 'Denoised image, 28 by 28 pixels' }, slow)
    // the Compare view open: the map is a /denoise option, so the comparison is not asked again
    await userEvent.click(screen.getByRole('button', { name: 'Compare all methods' }))
    await waitFor(() => expect(mockApi.compare).toHaveBeenCalledTimes(1), slow)
    const calls = mockApi.denoise.mock.calls.length

    await userEvent.click(screen.getByRole('checkbox', { name: 'Show the uncertainty map' }))
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalledTimes(calls + 1), slow)
    const [, options] = mockApi.denoise.mock.calls[calls]
    expect(options).toMatchObject({ model: 'mnist', noise: 'gaussian', uncertainty: true })
    // the same noise draw: only the map was added to the request
    expect(options.seed).toBe(mockApi.denoise.mock.calls[calls - 1][1].seed)
    expect(await screen.findByRole('img', { name: 'Uncertainty map: brighter is less sure' }, slow)).toHaveAttribute('src', png('map'))
    expect(screen.getByTestId('uncertainty-legend')).toHaveTextContent('brighter = less sure')
    expect(window.location.search).toMatch(/[?&]uncertainty=1(&|$)/)
    expect(mockApi.compare).toHaveBeenCalledTimes(1)
    expect(mockApi.compare.mock.calls[0][1]).not.toHaveProperty('uncertainty')

    await userEvent.click(screen.getByRole('checkbox', { name: 'Show the uncertainty map' }))
    await waitFor(() => expect(mockApi.denoise.mock.calls.at(-1)?.[1]).toMatchObject({ uncertainty: false }), slow)
    await waitFor(() => expect(screen.queryByRole('img', { name: /Uncertainty map/ })).not.toBeInTheDocument(), slow)
    expect(window.location.search).not.toMatch(/uncertainty/)
  })

  it('a link with uncertainty=1 asks for the map from the first request', async () => {
    window.history.replaceState(null, '', '/?noise=gaussian&level=0.9&seed=2&uncertainty=1')
    await renderApp()
    draw()
    await waitFor(() => expect(mockApi.denoise).toHaveBeenCalled(), slow)
    expect(mockApi.denoise.mock.calls[0][1]).toMatchObject({ seed: 2, level: 0.9, uncertainty: true })
    expect(await screen.findByRole('checkbox', { name: 'Show the uncertainty map' }, slow)).toBeChecked()
  })

  it('marks the method that changed the digit in the Compare view', async () => {
    await renderApp()
    draw()
    await screen.findByRole('alert', {}, slow)
    await userEvent.click(screen.getByRole('button', { name: 'Compare all methods' }))
    const card = (await screen.findAllByTestId('compare-card', {}, slow))[0]
    expect(within(card).getByTestId('compare-reading')).toHaveTextContent('reads as 9, 58%')
    expect(within(card).getByTestId('compare-warning')).toHaveTextContent('changed the 4 into a 9')
    expect(screen.getByTestId('compare-changed')).toHaveTextContent('Of 1 method, 1 changed the digit (marked ⚠).')
  })
})
