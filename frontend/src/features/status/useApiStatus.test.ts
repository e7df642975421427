import { act, renderHook, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useApiStatus } from './useApiStatus'

const mockApi = vi.hoisted(() => ({ ready: vi.fn() }))
vi.mock('../../api', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api')>()), api: mockApi }))

beforeEach(() => vi.clearAllMocks())

describe('useApiStatus', () => {
  it('polls faster while the API is down and sees it come back', async () => {
    mockApi.ready.mockResolvedValue({ ready: false, status: 0, models: [] })
    const { result } = renderHook(() => useApiStatus(10_000, 50))
    await waitFor(() => expect(result.current.status?.status).toBe(0))
    expect(result.current.ready).toBe(false)
    mockApi.ready.mockResolvedValue({ ready: true, status: 200, models: ['mnist'] })
    await waitFor(() => expect(result.current.ready).toBe(true))
    const calls = mockApi.ready.mock.calls.length
    await new Promise((r) => setTimeout(r, 150))
    expect(mockApi.ready.mock.calls.length).toBe(calls) // ready: back to the slow interval
    act(() => result.current.refresh())
    await waitFor(() => expect(mockApi.ready.mock.calls.length).toBe(calls + 1))
  })
})
