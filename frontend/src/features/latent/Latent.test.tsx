import { render, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { divergingColor, gridShape, classColor } from '../../lib/colors'
import { LatentHeatmap } from './LatentHeatmap'
import { LatentMap } from './LatentMap'

describe('LatentHeatmap', () => {
  it('names the vector size, and says when empty', () => {
    const { rerender } = render(<LatentHeatmap latent={null} />)
    expect(screen.getByRole('img', { name: 'Latent vector heatmap (empty)' })).toBeInTheDocument()
    rerender(<LatentHeatmap latent={Array.from({ length: 128 }, (_, i) => Math.sin(i))} />)
    const canvas = screen.getByRole('img', { name: 'Latent vector heatmap, 128 values' })
    expect(canvas).toHaveAttribute('width', String(16 * 12))
    expect(canvas).toHaveAttribute('height', String(8 * 12))
  })
})

describe('LatentMap', () => {
  const map = {
    mean: [0],
    components: [[1], [0]],
    explained_variance_ratio: [0.41, 0.22],
    points: [[0, 0, 0], [1, 2, 1]] as [number, number, number][],
    class_names: ['T-shirt/top', 'Trouser'],
  }
  it('has a legend of class names and highlights the point', () => {
    render(<LatentMap map={map} point={[0.5, -1]} />)
    const legend = screen.getByRole('list', { name: 'Classes' })
    expect(within(legend).getByText('T-shirt/top')).toBeInTheDocument()
    expect(within(legend).getByText('Trouser')).toBeInTheDocument()
    expect(screen.getByRole('img', { name: /your image at \(0\.50, -1\.00\)/ })).toBeInTheDocument()
    expect(screen.getByText(/41% and\s+22%/)).toBeInTheDocument()
  })
  it('shows why the map is missing', () => {
    render(<LatentMap map={null} point={null} error="model mnist has no latent_map.json" />)
    expect(screen.getByText(/no latent_map.json/)).toBeInTheDocument()
  })
})

describe('colours', () => {
  it('maps -1..1 from blue through white to red', () => {
    expect(divergingColor(0)).toBe('rgb(247, 247, 247)')
    expect(divergingColor(1)).toBe('rgb(202, 0, 32)')
    expect(divergingColor(-1)).toBe('rgb(5, 113, 176)')
    expect(divergingColor(Number.NaN)).toBe('rgb(247, 247, 247)')
  })
  it('lays out 128 values as 16 x 8', () => {
    expect(gridShape(128)).toEqual({ rows: 8, cols: 16 })
    expect(gridShape(0)).toEqual({ rows: 0, cols: 0 })
  })
  it('cycles class colours', () => {
    expect(classColor(10)).toBe(classColor(0))
  })
})
