import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { ModelInfo } from '../../api'
import { modelCopy } from './copy'
import { ModelAbout } from './ModelAbout'
import { ModelSelect } from './ModelSelect'

const mine: ModelInfo = {
  name: 'mine',
  version: 2,
  versions: [1, 2],
  metadata: { dataset: 'mine', arch: 'unet', class_names: ['Bag', 'Coat'], data: { class_names: ['Bag', 'Coat'], n_train: 90, n_test: 10 } },
}
const mnist: ModelInfo = { name: 'mnist', version: 5, versions: [5], metadata: { dataset: 'mnist', arch: 'unet' } }

describe('ModelAbout', () => {
  it('says what the card knows about your images, and nothing for a built-in dataset', () => {
    const { rerender } = render(<ModelAbout copy={modelCopy(mine)} />)
    expect(screen.getByTestId('model-about')).toHaveTextContent(
      'Trained on your images: 2 classes from your folders (Bag and Coat); 90 training and 10 test images.',
    )
    rerender(<ModelAbout copy={modelCopy(mnist)} />)
    expect(screen.queryByTestId('model-about')).not.toBeInTheDocument()
  })
})

describe('ModelSelect', () => {
  it('lists every served model, your own in a group of its own', async () => {
    const onChange = vi.fn()
    render(<ModelSelect models={[mnist, mine]} model="mnist" onChange={onChange} />)
    const menu = screen.getByLabelText('Model')
    expect(within(menu).getAllByRole('option').map((o) => o.textContent)).toEqual(['mnist v5 · unet', 'mine v2 · unet'])
    expect(within(menu).getByRole('group', { name: 'mine (your images)' })).toBeInTheDocument()
    await userEvent.selectOptions(menu, 'mine')
    expect(onChange).toHaveBeenCalledWith('mine')
  })
})
