import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ApiStatus } from './ApiStatus'

describe('ApiStatus', () => {
  it.each([
    [null, 'Checking API…'],
    [{ ready: true, status: 200, models: [] }, 'API ready'],
    [{ ready: false, status: 503, models: [] }, 'API starting'],
    [{ ready: false, status: 0, models: [] }, 'API unreachable'],
  ])('%j -> %s', (status, text) => {
    render(<ApiStatus status={status} />)
    expect(screen.getByRole('status')).toHaveTextContent(text)
  })
})
