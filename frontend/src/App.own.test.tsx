import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import { mockApi, serveModels } from './test/apiMock'
import { denoiseAnswer, encodeAnswer, png } from './test/answers'
import { draw } from './test/pad'

/** A model trained on your own images (`denoiser train --data`): its card's words, never "digit". */

vi.mock('./api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./api')>()),
  api: (await import('./test/apiMock')).mockApi,
}))

const folders = ['Ankle boot', 'Bag', 'Coat']
const mine = { name: 'mine', version: 1 }

// a model of your own images: its dataset has no classifier, so no reading
const answer = denoiseAnswer({
  model: mine,
  metrics: { noisy: { psnr: 9.4, ssim: 0.36, mse: 0.11 }, denoised: { psnr: 14.3, ssim: 0.6, mse: 0.04 } },
  reading: null,
})

beforeEach(() => {
  vi.clearAllMocks()
  window.history.replaceState(null, '', '/')
  serveModels({
    models: [
      { name: 'mnist', version: 5, versions: [5], metadata: { dataset: 'mnist', arch: 'unet' } },
      {
        ...mine,
        versions: [1],
        metadata: {
          dataset: 'mine',
          arch: 'unet',
          class_names: folders,
          preprocess: 'resize',
          data: { path: '/home/me/my-images', preprocess: 'resize', class_names: folders, n_train: 270, n_test: 30 },
        },
      },
    ],
    examples: (name) => (name === 'mine' ? [{ label: 1, class_name: 'Bag', image: png('bag') }] : [{ label: 7, class_name: '7', image: png('ex7') }]),
    latentMap: { points: [[0, 0, 1], [1, 1, 2]], class_names: folders, method: 't-SNE' },
    encode: encodeAnswer(mine),
  })
  mockApi.denoise.mockResolvedValue(answer)
})

describe('a model trained on your own images', () => {
  it('is in the model menu; picked, the page speaks of your images and lists your folders', async () => {
    render(<App />)
    const menu = screen.getByLabelText('Model')
    await within(menu).findByRole('option', { name: 'mine v1 · unet' })
    expect(within(menu).getByRole('group', { name: 'mine (your images)' })).toBeInTheDocument()
    expect(screen.queryByTestId('model-about')).not.toBeInTheDocument()

    await userEvent.selectOptions(menu, 'mine')
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Your image denoiser')
    expect(screen.getByTestId('model-about')).toHaveTextContent(
      'Trained on your images: 3 classes from your folders (Ankle boot, Bag and Coat); 270 training and 30 test images.',
    )
    expect(await screen.findByRole('heading', { name: 'Examples of your images' })).toBeInTheDocument()
    expect(await screen.findByRole('button', { name: 'Example 1: Bag' })).toBeInTheDocument()
    expect(screen.getByText('Draw an image, upload one or pick an example to see it denoised.')).toBeInTheDocument()
    // the noisy digit files belong to MNIST: not offered for your images
    expect(screen.queryByRole('heading', { name: 'Already noisy' })).not.toBeInTheDocument()
    expect(await screen.findByText(/^2 of your test images placed by t-SNE/)).toBeInTheDocument()
    expect(document.body.textContent).not.toMatch(/digit/i)

    await userEvent.click(screen.getByRole('button', { name: 'Denoise' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The pad is blank. Draw an image, upload one or pick an example first.')

    draw()
    expect(await screen.findByRole('img', { name: 'Denoised image, 28 by 28 pixels' })).toBeInTheDocument()
    expect(mockApi.denoise).toHaveBeenLastCalledWith(expect.any(Blob), expect.objectContaining({ model: 'mine' }), expect.anything())
    // no classifier knows your images: said once, no "reads as" and no warning
    expect(screen.getByTestId('reading-note')).toHaveTextContent(
      'No classifier knows your images, so nothing checks what the denoised image shows: look at it yourself.',
    )
    expect(screen.queryByText(/reads as/)).not.toBeInTheDocument()
    expect(screen.queryByTestId('reading-warning')).not.toBeInTheDocument()
    expect(document.body.textContent).not.toMatch(/digit/i)
  })
})
