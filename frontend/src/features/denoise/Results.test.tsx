import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { DenoiseResult, Read, Reading } from '../../api'
import { denoiseAnswer, png } from '../../test/answers'
import { Results } from './Results'

/** The results' reading ("reads as 4, 97%" under each image), the warning, and the uncertainty map. */

const read = (class_name: string, probability: number): Read => ({ label: Number(class_name), class_name, probability })

function reading(input: Read, noisy: Read, denoised: Read, why: Reading['why'] = null): Reading {
  return { classifier: { name: 'mnist-classifier', version: 1 }, input, noisy, denoised, risk: 1 - denoised.probability, changed: why !== null, why }
}

/** mnist v5's answer with heavy noise added (or, `added: false`, none); its reading and map as given. */
function answer({ added = true, ...result }: Partial<DenoiseResult> & { added?: boolean } = {}) {
  const metrics = { noisy: { psnr: 6.3, ssim: 0.28, mse: 0.23 }, denoised: { psnr: 16.7, ssim: 0.77, mse: 0.02 } }
  return denoiseAnswer({ model: { name: 'mnist', version: 5 }, noised: added, level: 0.9, seed: 2, metrics: added ? metrics : null, ...result })
}

const changed = reading(read('4', 1), read('8', 0.65), read('9', 0.578), 'class')

function show(props: Partial<React.ComponentProps<typeof Results>> = {}) {
  return render(<Results answer={answer()} busy={false} staleReason={null} error={null} modelSaw={null} subject="digit" {...props} />)
}

describe('Results: what the images read as', () => {
  it('says under each image what it reads as, and who reads it', () => {
    show({ answer: answer({ reading: reading(read('4', 1), read('8', 0.652), read('4', 0.993)) }) })
    expect(screen.getByTestId('reading-input')).toHaveTextContent('reads as 4, 100%')
    expect(screen.getByTestId('reading-noisy')).toHaveTextContent('reads as 8, 65%')
    expect(screen.getByTestId('reading-denoised')).toHaveTextContent('reads as 4, 99%')
    expect(screen.getByTestId('reading-note')).toHaveTextContent('what mnist-classifier v1, a classifier trained apart from the denoiser, sees')
    // the reading sits in the image's own figure
    const denoised = screen.getByRole('img', { name: 'Denoised image, 28 by 28 pixels' }).closest('figure')!
    expect(within(denoised).getByTestId('reading-denoised')).toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('warns, in words and with an icon, when denoising changed the class', () => {
    show({ answer: answer({ reading: changed }) })
    const alert = screen.getByRole('alert')
    expect(alert).toHaveTextContent('Warning: Denoising changed the digit: the noisy 4 came out as a 9.')
    expect(alert).toHaveAttribute('data-why', 'class')
    expect(alert.querySelector('svg.warn-icon')).not.toBeNull()
    expect(within(alert).getByText('Denoising changed the digit:').tagName).toBe('STRONG')
    // and the denoised image's reading is marked too (icon and weight, not colour alone)
    const line = screen.getByTestId('reading-denoised')
    expect(line).toHaveClass('result__reading--changed')
    expect(line.querySelector('svg.warn-icon')).not.toBeNull()
  })

  it('says "the 4" when no noise was added (an image denoised as it is)', () => {
    show({ answer: answer({ added: false, reading: changed }) })
    expect(screen.getByRole('alert')).toHaveTextContent('Denoising changed the digit: the 4 came out as a 9.')
    expect(screen.getByTestId('reading-input')).toHaveTextContent('reads as 4, 100%')
    expect(screen.queryByTestId('reading-noisy')).not.toBeInTheDocument()
  })

  it('warns when the denoised reading is unsure', () => {
    show({ answer: answer({ reading: reading(read('9', 0.99), read('8', 0.5), read('9', 0.55), 'unsure') }) })
    const alert = screen.getByRole('alert')
    expect(alert).toHaveTextContent('The model is unsure what this is: it reads as 9 at only 55%.')
    expect(alert).toHaveAttribute('data-why', 'unsure')
  })

  it('uses the model’s word for what it works on', () => {
    const garment: Reading = { ...changed, input: { label: 9, class_name: 'Ankle boot', probability: 0.99 }, denoised: { label: 8, class_name: 'Bag', probability: 0.7 } }
    show({ answer: answer({ reading: garment }), subject: 'clothing item' })
    expect(screen.getByRole('alert')).toHaveTextContent('Denoising changed the clothing item: the noisy Ankle boot came out as a Bag.')
    expect(screen.getByTestId('reading-input')).toHaveTextContent('reads as Ankle boot, 99%')
  })

  it('without a reading shows no words; for your own images it says none reads them', () => {
    const { rerender } = show({ answer: answer({ reading: null }) })
    expect(screen.queryByText(/reads as/)).not.toBeInTheDocument()
    expect(screen.queryByTestId('reading-note')).not.toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    rerender(<Results answer={answer({ reading: null })} busy={false} staleReason={null} error={null} modelSaw={null} subject="image" own />)
    expect(screen.getByTestId('reading-note')).toHaveTextContent(
      'No classifier knows your images, so nothing checks what the denoised image shows: look at it yourself.',
    )
    // an older server leaves the key out: the same as null
    const { reading: _dropped, ...older } = answer()
    void _dropped
    rerender(<Results answer={older} busy={false} staleReason={null} error={null} modelSaw={null} subject="digit" />)
    expect(screen.queryByText(/reads as/)).not.toBeInTheDocument()
  })
})

describe('Results: the uncertainty map', () => {
  const uncertainty = { map: png('map'), mean: 0.01738, passes: 8, extra_sigma: 0.1 }

  it('has a labelled switch that asks for the map', async () => {
    const onUncertaintyChange = vi.fn()
    show({ onUncertaintyChange })
    const toggle = screen.getByRole('checkbox', { name: 'Show the uncertainty map' })
    expect(toggle).not.toBeChecked()
    expect(toggle).toHaveAccessibleDescription(/the model runs 8 more times/)
    toggle.focus()
    await userEvent.keyboard(' ')
    expect(onUncertaintyChange).toHaveBeenCalledWith(true)
  })

  it('on, shows the map over the denoised image with a legend; off, neither', () => {
    const { rerender } = show({ answer: answer({ uncertainty }), uncertainty: true, onUncertaintyChange: () => {} })
    const map = screen.getByRole('img', { name: 'Uncertainty map: brighter is less sure' })
    expect(map).toHaveAttribute('src', png('map'))
    expect(map.closest('figure')).toBe(screen.getByRole('img', { name: 'Denoised image, 28 by 28 pixels' }).closest('figure'))
    expect(screen.getByTestId('uncertainty-legend')).toHaveTextContent('brighter = less sure (its spread over 8 re-noised passes; mean 0.017)')
    expect(screen.getByRole('checkbox', { name: 'Show the uncertainty map' })).toBeChecked()
    rerender(<Results answer={answer({ uncertainty })} busy={false} staleReason={null} error={null} modelSaw={null} subject="digit" uncertainty={false} />)
    expect(screen.queryByRole('img', { name: /Uncertainty map/ })).not.toBeInTheDocument()
    expect(screen.queryByTestId('uncertainty-legend')).not.toBeInTheDocument()
  })

  it('says it is working while the answer with the map is on its way', () => {
    show({ answer: answer(), uncertainty: true, busy: true, onUncertaintyChange: () => {} })
    expect(screen.getByText('Working out where the model is unsure…')).toBeInTheDocument()
    expect(screen.queryByRole('img', { name: /Uncertainty map/ })).not.toBeInTheDocument()
  })
})
