import { act, fireEvent, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type DecodeRequest, type EncodeResponse, type LatentMap as LatentMapData, type ModelInfo } from '../../api'
import { classColor, divergingColor } from '../../lib/colors'
import { fakeContext } from '../../test/canvasMock'
import { LatentHeatmap } from './LatentHeatmap'
import { LatentMap, MAP_SIZE } from './LatentMap'
import { LatentPanel } from './LatentPanel'
import { mapBounds, toCanvas } from './math'
import { SpriteCell } from './SpriteCell'
import { TypicalityNote } from './TypicalityNote'
import { useLatentExplorer } from './useLatentExplorer'

const mockApi = vi.hoisted(() => ({ latentMap: vi.fn(), encode: vi.fn(), decode: vi.fn(), spriteUrl: vi.fn() }))
vi.mock('../../api', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api')>()), api: mockApi }))

const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
const map: LatentMapData = {
  format: 2,
  method: 't-SNE of the code after a linear discriminant projection',
  points: [[-10, -10, 1], [10, 10, 7], [0, 0, 3]],
  test_index: [11, 22, 33],
  class_names: classNames,
  latent_dim: 4,
  mean_latent: [0, 0, 0, 0],
  std_latent: [1, 1, 1, 1],
  decodable: true,
  sprite: { url: '/models/mnist-vae/latent-map/sprite.png', columns: 2, cell: 28, count: 3 },
  metrics: { map_knn_accuracy: 0.97 },
  neighbours: 2,
}
const bounds = mapBounds(map.points)!
/** Where a map point is on the (unscaled, jsdom) canvas: client coordinates. */
const client = (x: number, y: number) => {
  const [cx, cy] = toCanvas(bounds, MAP_SIZE, [x, y])
  return { clientX: cx, clientY: cy }
}

const png = (tag: string) => `data:image/png;base64,${btoa(tag)}`
const encoded: EncodeResponse = {
  model: { name: 'mnist-vae', version: 1 },
  latent_dim: 4,
  latent: [2.4, 0, -1.9, 0.5],
  projection: [9, 9],
  neighbours: [
    { point: 1, index: 22, label: 7, distance: 0.1 },
    { point: 2, index: 33, label: 3, distance: 0.4 },
  ],
  vote: { label: 7, class_name: '7', share: 0.5 },
  typicality: { score: 90, percentile: 40, typical: true },
  results: [],
  timings_ms: { total: 1 },
  request_id: 'e1',
}
const models: ModelInfo[] = [
  { name: 'mnist', version: 5, versions: [5], metadata: { dataset: 'mnist', has_decode: false } },
  { name: 'mnist-vae', version: 1, versions: [1], metadata: { dataset: 'mnist', has_decode: true } },
]

// jsdom has no PointerEvent: without it fireEvent drops clientX and pointerType
if (typeof window.PointerEvent === 'undefined') {
  class FakePointerEvent extends MouseEvent {
    pointerId: number
    pointerType: string
    constructor(type: string, init: PointerEventInit = {}) {
      super(type, init)
      this.pointerId = init.pointerId ?? 1
      this.pointerType = init.pointerType ?? 'mouse'
    }
  }
  Object.defineProperty(window, 'PointerEvent', { configurable: true, writable: true, value: FakePointerEvent })
}

beforeEach(() => {
  vi.clearAllMocks()
  mockApi.latentMap.mockResolvedValue(map)
  mockApi.spriteUrl.mockImplementation((name: string) => `/models/${name}/latent-map/sprite.png`)
  mockApi.encode.mockResolvedValue(encoded)
  mockApi.decode.mockImplementation(async (body: DecodeRequest) => {
    const codes = 'latents' in body ? body.latents : [[1, 1, 1, 1]]
    const results = codes.map((latent, i) => ({ image: png(`step${i}`), latent }))
    return { model: { name: body.model, version: 1 }, results, ...results[0], timings_ms: { total: 1 }, request_id: 'd' }
  })
})

describe('LatentHeatmap', () => {
  it('colours each number relative to the dataset mean, clipped at ±3 sd, and names the unusual ones', () => {
    render(<LatentHeatmap latent={[4, 1, -3, 0.3]} mean={[1, 1, 0, 0]} std={[1, 2, 1, 0.1]} />)
    const canvas = screen.getByRole('img', { name: 'Latent vector heatmap, 4 values' })
    const fills = fakeContext(canvas as HTMLCanvasElement).calls.filter((c) => c.name === 'fillRect').map((c) => c.fillStyle)
    // (4-1)/1 = +3 (red), (1-1)/2 = 0 (white), -3 (blue), (0.3-0)/0.1 = +3
    expect(fills).toEqual([divergingColor(1), divergingColor(0), divergingColor(-1), divergingColor(1)])
    expect(screen.getByText(/compared with an average test digit: red = more than usual, blue = less/)).toBeInTheDocument()
    expect(screen.getByTestId('latent-unusual')).toHaveTextContent('The most unusual numbers: #1 (+3.0 sd), #3 (−3.0 sd).')
    expect(document.body.textContent).not.toMatch(/max/)
  })
  it('says when nothing is unusual, when empty, and when the map has no baseline', () => {
    const { rerender } = render(<LatentHeatmap latent={[0.2, -0.1]} mean={[0, 0]} std={[1, 1]} />)
    expect(screen.getByTestId('latent-unusual')).toHaveTextContent('No number is far from usual')
    rerender(<LatentHeatmap latent={null} />)
    expect(screen.getByRole('img', { name: 'Latent vector heatmap (empty)' })).toBeInTheDocument()
    rerender(<LatentHeatmap latent={Array.from({ length: 128 }, (_, i) => Math.sin(i))} />)
    const canvas = screen.getByRole('img', { name: 'Latent vector heatmap, 128 values' })
    expect(canvas).toHaveAttribute('width', String(16 * 12))
    expect(screen.getByText(/red = positive, blue = negative/)).toBeInTheDocument()
    expect(screen.queryByTestId('latent-unusual')).not.toBeInTheDocument()
  })
})

describe('LatentMap', () => {
  const props = { hovered: -1, onHover: vi.fn(), spot: null, onPick: vi.fn(), canDecode: true, subject: 'digit' }

  it('has a legend of class names, a caption in words and the image highlighted', () => {
    render(<LatentMap {...props} map={map} point={[0.5, -1]} neighbours={[1, 2]} />)
    const legend = screen.getByRole('list', { name: 'Classes' })
    expect(within(legend).getAllByRole('listitem')).toHaveLength(11)
    expect(within(legend).getByText('your image')).toBeInTheDocument()
    expect(screen.getByRole('img', { name: /your image at \(0\.50, -1\.00\)/ })).toBeInTheDocument()
    expect(screen.getByText(/3 test images placed by t-SNE .* share a class 97% of the time\. Ringed: the 2 test images nearest/)).toBeInTheDocument()
  })

  it('calls the map "your test images" for a model trained on your own images', () => {
    render(<LatentMap {...props} subject="image" own map={map} point={[0.5, -1]} neighbours={[1, 2]} />)
    expect(screen.getByRole('img', { name: /^Latent map of your test images with your image at \(0\.50, -1\.00\)/ })).toBeInTheDocument()
    expect(screen.getByText(/^3 of your test images placed by t-SNE/)).toBeInTheDocument()
    expect(screen.getByText(/nearest test image;/)).toBeInTheDocument()
  })

  it('reports the nearest point on hover and the spot on click, in map coordinates', () => {
    const onHover = vi.fn()
    const onPick = vi.fn()
    render(<LatentMap {...props} onHover={onHover} onPick={onPick} map={map} point={null} />)
    const surface = screen.getByTestId('latent-map')
    fireEvent.pointerMove(surface, { ...client(9, 9), pointerType: 'mouse' })
    expect(onHover).toHaveBeenLastCalledWith(1)
    fireEvent.pointerDown(surface, { ...client(-9, -8), pointerType: 'mouse', button: 0 })
    expect(onHover).toHaveBeenLastCalledWith(0)
    fireEvent.pointerUp(surface, { ...client(-9, -8), pointerType: 'mouse', button: 0 })
    const [x, y] = onPick.mock.calls[0][0] as [number, number]
    expect(x).toBeCloseTo(-9)
    expect(y).toBeCloseTo(-8)
  })

  it('picks with a finger too (touch: down, drag, lift)', () => {
    const onHover = vi.fn()
    const onPick = vi.fn()
    render(<LatentMap {...props} onHover={onHover} onPick={onPick} map={map} point={null} />)
    const surface = screen.getByTestId('latent-map')
    fireEvent.pointerDown(surface, { ...client(-9, -9), pointerType: 'touch', pointerId: 3 })
    fireEvent.pointerMove(surface, { ...client(0, 1), pointerType: 'touch', pointerId: 3 })
    expect(onHover).toHaveBeenLastCalledWith(2)
    fireEvent.pointerUp(surface, { ...client(0, 1), pointerType: 'touch', pointerId: 3 })
    expect(onPick).toHaveBeenCalledTimes(1)
  })

  it('is keyboard operable: focus, arrows move a cursor, Enter picks', () => {
    const onHover = vi.fn()
    const onPick = vi.fn()
    render(<LatentMap {...props} onHover={onHover} onPick={onPick} map={map} point={[0, 0]} />)
    const surface = screen.getByRole('application', { name: /arrow keys move a cursor, Enter decodes/ })
    act(() => surface.focus())
    expect(onHover).toHaveBeenLastCalledWith(2)
    fireEvent.keyDown(surface, { key: 'ArrowRight', shiftKey: true })
    fireEvent.keyDown(surface, { key: 'ArrowUp' })
    fireEvent.keyDown(surface, { key: 'Enter' })
    const [x, y] = onPick.mock.calls[0][0] as [number, number]
    expect(x).toBeGreaterThan(0)
    expect(y).toBeGreaterThan(0)
  })

  it('shows why the map is missing, and that it is loading', () => {
    const { rerender } = render(<LatentMap {...props} map={null} point={null} error="model mnist has no latent map" />)
    expect(screen.getByText('Latent map unavailable: model mnist has no latent map')).toBeInTheDocument()
    rerender(<LatentMap {...props} map={null} point={null} loading />)
    expect(screen.getByText('Loading the latent map…')).toBeInTheDocument()
  })
})

describe('SpriteCell', () => {
  it('draws cell i of the sprite (column i % columns, row i / columns)', () => {
    const sprite = {} as HTMLImageElement
    render(<SpriteCell sprite={sprite} info={map.sprite} index={2} label="Test digit labelled 7" />)
    const canvas = screen.getByRole('img', { name: 'Test digit labelled 7' }) as HTMLCanvasElement
    const draw = fakeContext(canvas).calls.find((c) => c.name === 'drawImage')
    expect(draw?.args).toEqual([sprite, 0, 28, 28, 28, 0, 0, 28, 28])
  })
})

describe('TypicalityNote', () => {
  it('is a polite notice when atypical and a quiet line when typical', () => {
    const { rerender } = render(<TypicalityNote typicality={{ score: 312, percentile: 99.6, typical: false }} dataset="mnist" subject="digit" />)
    expect(screen.getByRole('status')).toHaveTextContent(
      'This does not look like a digit the model has seen: it is less typical than 99.6% of test digits (reconstruction error 312). The denoised image may be a guess.',
    )
    rerender(<TypicalityNote typicality={{ score: 90, percentile: 42, typical: true }} dataset="mnist" subject="digit" />)
    expect(screen.getByTestId('typicality')).toHaveTextContent('Typical for MNIST: more typical than 58% of test digits.')
    rerender(<TypicalityNote typicality={null} dataset="mnist" subject="digit" />)
    expect(screen.queryByTestId('typicality')).not.toBeInTheDocument()
  })

  it('says "your images" for a model trained on your own images', () => {
    render(<TypicalityNote typicality={{ score: 40, percentile: 99.6, typical: false }} dataset="mine" subject="image" own />)
    expect(screen.getByTestId('typicality')).toHaveTextContent(/^This does not look like your images: it is less typical than 99\.6% of your test images/)
    expect(screen.getByTestId('typicality')).not.toHaveTextContent(/digit|mine/)
  })
})

function Explorer({ model = 'mnist', stale = false }: { model?: string; stale?: boolean }) {
  const explorer = useLatentExplorer({ models, model })
  return (
    <>
      <button type="button" onClick={() => explorer.encode(new Blob(['png']), 'mnist')}>
        encode
      </button>
      <LatentPanel
        explorer={explorer}
        examples={[{ label: 3, class_name: '3', image: png('ex3') }]}
        stale={stale}
        subject="digit"
        inputName="Your drawing"
      />
    </>
  )
}

describe('LatentPanel', () => {
  it('says which model the latent view uses and why, and where the drawing sits', async () => {
    render(<Explorer />)
    expect(screen.getByTestId('latent-model-note')).toHaveTextContent(
      'Latent view uses mnist-vae v1: mnist v5 (the denoiser) cannot draw from a code.',
    )
    await screen.findByRole('list', { name: 'Classes' })
    await userEvent.click(screen.getByRole('button', { name: 'encode' }))
    expect(await screen.findByTestId('latent-vote')).toHaveTextContent(
      'Your drawing sits between classes: of its 2 nearest test digits, the most common are 7s (1 of 2).',
    )
    expect(mockApi.encode).toHaveBeenCalledWith(expect.any(Blob), { model: 'mnist-vae', preprocess: 'mnist' }, expect.any(AbortSignal))
    expect(screen.getByTestId('latent-unusual')).toHaveTextContent('#1 (+2.4 sd), #3 (−1.9 sd)')
  })

  it('previews the nearest test digit on hover, decodes a click and morphs to it', async () => {
    render(<Explorer />)
    await screen.findByRole('list', { name: 'Classes' })
    await userEvent.click(screen.getByRole('button', { name: 'encode' }))
    await screen.findByTestId('latent-vote')
    const surface = screen.getByTestId('latent-map')
    fireEvent.pointerMove(surface, { ...client(9.5, 9.5), pointerType: 'mouse' })
    expect(screen.getByTestId('latent-preview')).toHaveTextContent('Labelled 7, test image #22.')
    expect(screen.getByRole('img', { name: 'Test digit labelled 7' })).toBeInTheDocument()
    expect(mockApi.spriteUrl).toHaveBeenCalledWith('mnist-vae')

    fireEvent.pointerDown(surface, { ...client(0.5, 0.5), pointerType: 'mouse', button: 0 })
    fireEvent.pointerUp(surface, { ...client(0.5, 0.5), pointerType: 'mouse', button: 0 })
    const decoded = await screen.findByRole('img', { name: 'Decoded image, 28 by 28 pixels' })
    expect(decoded).toHaveAttribute('src', png('step0'))
    expect(screen.getByTestId('decoded-caption')).toHaveTextContent('What the model mnist-vae v1 draws at this spot (among the 3s on the map).')
    const strip = await screen.findByRole('list', { name: 'Morph in 8 steps' })
    expect(within(strip).getAllByRole('img')).toHaveLength(8)
    expect(screen.getByTestId('morph-label')).toHaveTextContent('From your drawing to the clicked 3')
    const slider = screen.getByRole('slider', { name: 'Morph step' })
    fireEvent.change(slider, { target: { value: '3' } })
    expect(screen.getByRole('img', { name: 'Step 3 of 8, enlarged' })).toHaveAttribute('src', png('step2'))
  })

  it('morphs to a chosen example', async () => {
    render(<Explorer />)
    await screen.findByRole('list', { name: 'Classes' })
    await userEvent.click(screen.getByRole('button', { name: 'encode' }))
    await screen.findByTestId('latent-vote')
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'or an example' }), 'Example 1: 3')
    expect(await screen.findByTestId('morph-label')).toHaveTextContent('From your drawing to example 1 (3)')
    expect(mockApi.encode).toHaveBeenLastCalledWith(expect.any(Blob), { model: 'mnist-vae', preprocess: 'resize' })
  })

  it('shows the API message when decoding fails', async () => {
    mockApi.decode.mockRejectedValue(new ApiError('cannot_decode', 'mnist cannot decode; models that can: mnist-vae', 422))
    render(<Explorer />)
    await screen.findByRole('list', { name: 'Classes' })
    const surface = screen.getByTestId('latent-map')
    fireEvent.pointerDown(surface, { ...client(0, 0), pointerType: 'mouse', button: 0 })
    fireEvent.pointerUp(surface, { ...client(0, 0), pointerType: 'mouse', button: 0 })
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not decode: mnist cannot decode; models that can: mnist-vae')
  })

  it('turns decoding off with a sentence when no model of the dataset can decode', async () => {
    mockApi.latentMap.mockResolvedValue({ ...map, decodable: false })
    function Only() {
      const explorer = useLatentExplorer({ models: [models[0]], model: 'mnist' })
      return <LatentPanel explorer={explorer} examples={null} stale={false} subject="digit" inputName="Your drawing" />
    }
    render(<Only />)
    await screen.findByRole('list', { name: 'Classes' })
    expect(screen.getByTestId('latent-model-note')).toHaveTextContent('mnist v5 cannot draw from a code')
    expect(screen.getByText('Decoding is off: mnist cannot draw from a code.')).toBeInTheDocument()
    expect(screen.getByText(/Morphing needs a model that can draw from a code/)).toBeInTheDocument()
    const surface = screen.getByTestId('latent-map')
    fireEvent.pointerDown(surface, { ...client(0, 0), pointerType: 'mouse', button: 0 })
    fireEvent.pointerUp(surface, { ...client(0, 0), pointerType: 'mouse', button: 0 })
    expect(mockApi.decode).not.toHaveBeenCalled()
  })

  it('labels an out-of-date view', async () => {
    const { rerender } = render(<Explorer />)
    await screen.findByRole('list', { name: 'Classes' })
    await userEvent.click(screen.getByRole('button', { name: 'encode' }))
    await screen.findByTestId('latent-vote')
    rerender(<Explorer stale />)
    expect(screen.getByRole('heading', { name: /Latent space/ })).toHaveTextContent('Out of date')
  })
})

describe('colours', () => {
  it('cycles class colours', () => {
    expect(classColor(10)).toBe(classColor(0))
  })
})
