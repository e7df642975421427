import { act, renderHook, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, NetworkError, type CompareResponse, type CompareResult, type Reading } from '../../api'
import { png } from '../../test/answers'
import { ComparePanel } from './ComparePanel'
import { useCompare, type CompareSource } from './useCompare'
import { compareSummary, formatMs } from './words'

const mockApi = vi.hoisted(() => ({ compare: vi.fn() }))
vi.mock('../../api', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api')>()), api: mockApi }))

const model = (name: string, arch: string, psnr: number, isDefault = false): CompareResult => ({
  id: name,
  method: `${arch} (${name}/1)`,
  kind: 'model',
  model: { name, version: 1 },
  arch,
  params: null,
  denoised: png(name),
  metrics: { psnr, ssim: psnr / 25, mse: 0.01 },
  ms: 3.25,
  default: isDefault,
})
const baseline = (id: string, method: string, psnr: number): CompareResult => ({
  id,
  method,
  kind: 'baseline',
  model: null,
  arch: null,
  params: { size: 3 },
  denoised: png(id),
  metrics: { psnr, ssim: psnr / 30, mse: 0.02 },
  ms: 0.42,
  default: false,
})

// deliberately not in PSNR order: the UI shows the server's order as it is
const results = [
  model('mnist-conv', 'conv', 19.8),
  model('mnist', 'unet', 20.4, true),
  baseline('median', 'median (3x3)', 14.1),
  model('mnist-vae', 'vae', 18.1),
  baseline('pca', 'PCA (40 components)', 16.2),
]

function answer(overrides: Partial<CompareResponse> = {}): CompareResponse {
  return {
    model: { name: 'mnist', version: 1 },
    dataset: 'mnist',
    input: png('in'),
    noisy: png('noisy'),
    noise: { type: 'gaussian', level: 0.5, seed: 42, metrics: { psnr: 9.3, ssim: 0.47, mse: 0.12 } },
    crop: [0, 0, 28, 28],
    preprocess: { mode: 'resize' },
    results,
    timings_ms: { total: 21.5 },
    request_id: 'c1',
    ...overrides,
  }
}

const blob = new Blob(['png'], { type: 'image/png' })
const source = (key = 'v1|mnist|gaussian@0.5|42', modelName = 'mnist'): CompareSource => ({
  key,
  input: { blob, preprocess: 'resize' },
  options: { model: modelName, noise: 'gaussian', level: 0.5, seed: 42 },
})

/** A promise resolved by hand (a request still in flight). */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

beforeEach(() => {
  vi.clearAllMocks()
  mockApi.compare.mockResolvedValue(answer())
})

describe('useCompare', () => {
  it('sends nothing while closed; opened, compares the source with its options, once per key', async () => {
    const { result, rerender } = renderHook(({ src }) => useCompare({ source: src }), { initialProps: { src: source() } })
    expect(result.current.open).toBe(false)
    expect(mockApi.compare).not.toHaveBeenCalled()

    act(() => result.current.toggle())
    expect(result.current.busy).toBe(true)
    await waitFor(() => expect(result.current.shown?.answer.request_id).toBe('c1'))
    expect(mockApi.compare).toHaveBeenCalledWith(
      blob,
      { model: 'mnist', noise: 'gaussian', level: 0.5, seed: 42, preprocess: 'resize' },
      expect.any(AbortSignal),
    )
    expect(result.current.busy).toBe(false)
    expect(result.current.staleReason).toBeNull()

    // the same source again (a new object, same key): nothing is sent
    rerender({ src: source() })
    expect(mockApi.compare).toHaveBeenCalledTimes(1)

    // closing and opening again keeps the comparison: still nothing sent
    act(() => result.current.toggle())
    act(() => result.current.toggle())
    expect(mockApi.compare).toHaveBeenCalledTimes(1)
    expect(result.current.shown).not.toBeNull()
  })

  it('BM3D sends methods=all; a new source marks the comparison as updating and replaces it', async () => {
    const { result, rerender } = renderHook(({ src }) => useCompare({ source: src, initiallyOpen: true }), { initialProps: { src: source() } })
    await waitFor(() => expect(result.current.shown).not.toBeNull())

    const pending = deferred<CompareResponse>()
    mockApi.compare.mockReturnValueOnce(pending.promise)
    act(() => result.current.setSlow(true))
    expect(mockApi.compare).toHaveBeenLastCalledWith(blob, expect.objectContaining({ methods: 'all' }), expect.any(AbortSignal))
    expect(result.current.staleReason).toBe('Updating…')
    expect(result.current.shown?.answer.request_id).toBe('c1') // the old grid stays while the new one loads
    await act(async () => pending.resolve(answer({ request_id: 'c2' })))
    await waitFor(() => expect(result.current.shown?.answer.request_id).toBe('c2'))
    expect(result.current.staleReason).toBeNull()

    mockApi.compare.mockResolvedValueOnce(answer({ request_id: 'c3' }))
    rerender({ src: source('v2|mnist|gaussian@0.5|7') })
    await waitFor(() => expect(result.current.shown?.answer.request_id).toBe('c3'))
    expect(mockApi.compare).toHaveBeenCalledTimes(3)
  })

  it('only the newest answer is shown (the older request is aborted)', async () => {
    const first = deferred<CompareResponse>()
    mockApi.compare.mockReturnValueOnce(first.promise).mockResolvedValueOnce(answer({ request_id: 'newest' }))
    const { result, rerender } = renderHook(({ src }) => useCompare({ source: src, initiallyOpen: true }), { initialProps: { src: source('a') } })
    const signal = mockApi.compare.mock.calls[0][2] as AbortSignal
    rerender({ src: source('b') })
    expect(signal.aborted).toBe(true)
    await waitFor(() => expect(result.current.shown?.answer.request_id).toBe('newest'))
    await act(async () => first.resolve(answer({ request_id: 'old' })))
    expect(result.current.shown?.answer.request_id).toBe('newest')
  })

  it('keeps the last comparison beside an error, and Try again sends it again', async () => {
    const onUnavailable = vi.fn()
    const { result, rerender } = renderHook(({ src }) => useCompare({ source: src, initiallyOpen: true, onUnavailable }), {
      initialProps: { src: source('a') },
    })
    await waitFor(() => expect(result.current.shown).not.toBeNull())
    mockApi.compare.mockRejectedValueOnce(new ApiError('invalid_option', "unknown method 'x'", 400))
    rerender({ src: source('b') })
    await waitFor(() => expect(result.current.error?.message).toBe("unknown method 'x'"))
    expect(result.current.shown?.answer.request_id).toBe('c1')
    expect(result.current.staleReason).toBe('Out of date: the last request failed')
    expect(onUnavailable).not.toHaveBeenCalled()

    act(() => result.current.clearError())
    expect(result.current.error).toBeNull()
    expect(result.current.staleReason).toBe('Out of date: the last request failed')
    expect(mockApi.compare).toHaveBeenCalledTimes(2) // dismissing does not resend

    mockApi.compare.mockRejectedValueOnce(new NetworkError())
    act(() => result.current.retry())
    await waitFor(() => expect(result.current.unavailable).toBe(true))
    expect(onUnavailable).toHaveBeenCalledTimes(1)
    act(() => result.current.retry())
    await waitFor(() => expect(result.current.staleReason).toBeNull())
    expect(result.current.error).toBeNull()
    expect(mockApi.compare).toHaveBeenCalledTimes(4)
  })

  it('shows nothing when there is nothing to compare (the pad was cleared)', async () => {
    const { result, rerender } = renderHook(({ src }) => useCompare({ source: src, initiallyOpen: true }), {
      initialProps: { src: source() as CompareSource | null },
    })
    await waitFor(() => expect(result.current.shown).not.toBeNull())
    rerender({ src: null })
    expect(result.current.shown).toBeNull()
    expect(result.current.busy).toBe(false)
  })
})

function Harness({ onUse = vi.fn(), activeModel, initiallyOpen = false }: { onUse?: (name: string) => void; activeModel?: string; initiallyOpen?: boolean }) {
  const compare = useCompare({ source: source(), initiallyOpen })
  return <ComparePanel compare={compare} hasInput activeModel={activeModel} onUseModel={onUse} subject="digit" />
}

const cards = () => within(screen.getByRole('list', { name: /^Methods/ })).getAllByRole('listitem')

describe('ComparePanel', () => {
  it('is one button while closed; opened, it shows every method in the order given, ranked', async () => {
    const user = userEvent.setup()
    render(<Harness />)
    const toggle = screen.getByRole('button', { name: 'Compare all methods' })
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
    expect(mockApi.compare).not.toHaveBeenCalled()

    await user.click(toggle)
    expect(screen.getByRole('button', { name: 'Hide comparison' })).toHaveAttribute('aria-expanded', 'true')
    await waitFor(() => expect(cards()).toHaveLength(5))
    expect(screen.getByRole('list', { name: 'Methods, best PSNR first' })).toBeInTheDocument()
    expect(cards().map((card) => card.dataset.id)).toEqual(['mnist-conv', 'mnist', 'median', 'mnist-vae', 'pca'])
    expect(cards().map((card) => within(card).getByText(/^Rank/).parentElement?.textContent)).toEqual(['Rank 1', 'Rank 2', 'Rank 3', 'Rank 4', 'Rank 5'])
    const first = cards()[0]
    expect(within(first).getByRole('img', { name: 'Output of conv (mnist-conv/1), 28 by 28 pixels' })).toHaveAttribute('src', png('mnist-conv'))
    expect(first).toHaveTextContent('PSNR19.8 dB')
    expect(first).toHaveTextContent('SSIM0.792')
    expect(first).toHaveTextContent('time3.3 ms')
    expect(within(cards()[2]).getByText('classical')).toBeInTheDocument()
    expect(within(first).getByText('model')).toBeInTheDocument()

    expect(screen.getByRole('img', { name: 'Your digit as every method received it, 28 by 28 pixels' })).toHaveAttribute('src', png('in'))
    expect(screen.getByRole('img', { name: 'The noisy digit every method was given, 28 by 28 pixels' })).toHaveAttribute('src', png('noisy'))
    expect(screen.getByTestId('compare-noisy-psnr')).toHaveTextContent('PSNR 9.3 dB · SSIM 0.470')
    expect(screen.getByTestId('compare-summary')).toHaveTextContent(
      '5 methods on the same noisy digit (Gaussian 0.50, seed 42): 3 models and 2 classical baselines, whose parameters were tuned on the validation split. Best PSNR first.',
    )
  })

  it('highlights the default model; a click on another model card makes it the denoiser; baselines are not buttons', async () => {
    const user = userEvent.setup()
    const onUse = vi.fn()
    render(<Harness onUse={onUse} initiallyOpen />)
    await waitFor(() => expect(cards()).toHaveLength(5))
    const active = cards().filter((card) => card.getAttribute('aria-current') === 'true')
    expect(active.map((card) => card.dataset.id)).toEqual(['mnist'])
    expect(active[0]).toHaveClass('is-active')
    const inUse = within(active[0]).getByRole('button', { name: /^In use\s?: unet \(mnist\/1\) is the denoiser$/ })
    await user.click(inUse)
    expect(onUse).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Use vae (mnist-vae/1) as the denoiser' }))
    expect(onUse).toHaveBeenCalledWith('mnist-vae')

    // keyboard: Tab to a card's button, Enter
    screen.getByRole('button', { name: 'Use conv (mnist-conv/1) as the denoiser' }).focus()
    await user.keyboard('{Enter}')
    expect(onUse).toHaveBeenLastCalledWith('mnist-conv')

    for (const card of cards().filter((c) => c.dataset.kind === 'baseline')) {
      expect(within(card).queryByRole('button')).toBeNull()
      expect(card).not.toHaveClass('is-usable')
    }
    expect(screen.getAllByRole('button', { name: /as the denoiser$/ })).toHaveLength(2)
  })

  it('marks the app’s model when it differs from the answer’s default (a click shows at once)', async () => {
    render(<Harness initiallyOpen activeModel="mnist-vae" />)
    await waitFor(() => expect(cards()).toHaveLength(5))
    expect(cards().filter((card) => card.getAttribute('aria-current') === 'true').map((card) => card.dataset.id)).toEqual(['mnist-vae'])
  })

  it('shows the server’s message in an alert, and the BM3D checkbox asks for every method', async () => {
    const user = userEvent.setup()
    mockApi.compare.mockRejectedValueOnce(new ApiError('model_not_found', "unknown model 'x'; available: mnist", 404))
    render(<Harness initiallyOpen />)
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent("Could not compare: unknown model 'x'; available: mnist")
    expect(alert).toHaveAttribute('data-code', 'model_not_found')

    await user.click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(cards()).toHaveLength(5))
    expect(screen.queryByRole('alert')).toBeNull()

    await user.click(screen.getByRole('checkbox', { name: /Include BM3D/ }))
    expect(mockApi.compare).toHaveBeenLastCalledWith(blob, expect.objectContaining({ methods: 'all' }), expect.any(AbortSignal))
  })

  it('keeps the old grid, dimmed and labelled, while a new comparison loads', async () => {
    const user = userEvent.setup()
    render(<Harness initiallyOpen />)
    await waitFor(() => expect(cards()).toHaveLength(5))
    mockApi.compare.mockReturnValueOnce(new Promise(() => {}))
    await user.click(screen.getByRole('checkbox', { name: /Include BM3D/ }))
    expect(screen.getByTestId('compare-stale')).toHaveTextContent('Updating…')
    expect(screen.getByRole('img', { name: 'Comparing' })).toBeInTheDocument()
    expect(cards()).toHaveLength(5)
    expect(cards()[0].closest('.compare__body')).toHaveClass('is-stale')
    expect(screen.getByRole('region', { name: 'Compare methods' })).toHaveAttribute('aria-busy', 'true')
  })
})

describe('ComparePanel: what each output reads as', () => {
  const reads = (denoised: string, probability: number, why: Reading['why'] = null): Reading => ({
    classifier: { name: 'mnist-classifier', version: 1 },
    input: { label: 4, class_name: '4', probability: 1 },
    noisy: { label: 8, class_name: '8', probability: 0.65 },
    denoised: { label: Number(denoised), class_name: denoised, probability },
    risk: 1 - probability,
    changed: why !== null,
    why,
  })

  it('shows each card’s reading and marks, with an icon and words, the methods that changed the class', async () => {
    mockApi.compare.mockResolvedValue(
      answer({
        results: [
          { ...results[0], reading: reads('4', 0.88) },
          { ...results[1], reading: reads('9', 0.58, 'class') },
          { ...results[2], reading: reads('4', 0.55, 'unsure') },
          { ...results[3], reading: null },
          results[4], // an older server: no reading at all
        ],
      }),
    )
    render(<Harness initiallyOpen />)
    await waitFor(() => expect(cards()).toHaveLength(5))
    const [kept, changed, unsure, none, older] = cards()
    expect(within(kept).getByTestId('compare-reading')).toHaveTextContent('reads as 4, 88%')
    expect(within(kept).queryByTestId('compare-warning')).toBeNull()
    expect(kept).not.toHaveAttribute('data-changed')

    expect(within(changed).getByTestId('compare-reading')).toHaveTextContent('reads as 9, 58%')
    const mark = within(changed).getByTestId('compare-warning')
    expect(mark).toHaveTextContent('changed the 4 into a 9')
    expect(mark.querySelector('svg.warn-icon')).not.toBeNull()
    expect(changed).toHaveAttribute('data-changed', 'true')

    expect(within(unsure).getByTestId('compare-warning')).toHaveTextContent('unsure what this is')
    for (const card of [none, older]) {
      expect(within(card).queryByTestId('compare-reading')).toBeNull()
      expect(within(card).queryByTestId('compare-warning')).toBeNull()
    }
    // the references' readings, and one line that sums the marks up
    expect(screen.getByText('Input').closest('figure')).toHaveTextContent('reads as 4, 100%')
    expect(screen.getByText('Noisy').closest('figure')).toHaveTextContent('reads as 8, 65%')
    expect(screen.getByTestId('compare-changed')).toHaveTextContent('Of 5 methods, 1 changed the digit and 1 left it unsure (marked ⚠).')
  })

  it('shows no reading and no marks when the dataset has no classifier', async () => {
    render(<Harness initiallyOpen />)
    await waitFor(() => expect(cards()).toHaveLength(5))
    expect(screen.queryByTestId('compare-reading')).toBeNull()
    expect(screen.queryByTestId('compare-changed')).toBeNull()
    expect(screen.queryByText(/reads as/)).toBeNull()
  })
})

describe('words', () => {
  it('says what the grid is, with and without noise and baselines', () => {
    expect(compareSummary(answer({ results: results.filter((r) => r.kind === 'model') }), 'digit')).toBe(
      '3 methods on the same noisy digit (Gaussian 0.50, seed 42): 3 models. Best PSNR first.',
    )
    const clean = answer({ noise: { type: 'none', level: 0, seed: 1, metrics: null }, results: [results[0], results[2]] })
    expect(compareSummary(clean, 'clothing item')).toBe(
      '2 methods on the clothing item as it was sent (no noise added): 1 model and 1 classical baseline, whose parameters were tuned on the validation split. With no clean reference there is nothing to score them against: listed as the server sent them.',
    )
  })

  it('formats times', () => {
    expect([formatMs(0.4213), formatMs(6.04), formatMs(1250.4), formatMs(Number.NaN)]).toEqual(['0.42 ms', '6.0 ms', '1,250 ms', '—'])
  })
})
