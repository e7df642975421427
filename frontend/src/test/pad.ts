import { fireEvent, screen } from '@testing-library/react'

/**
 * One stroke on the app's drawing pad, from (50, 50) to (80, 120): enough ink for the app to send the
 * drawing (a stroke's end starts a request when live update is on).
 */
export function draw() {
  const pad = screen.getByRole('img', { name: 'Drawing pad' })
  fireEvent.pointerDown(pad, { pointerId: 1, button: 0, clientX: 50, clientY: 50 })
  fireEvent.pointerMove(pad, { pointerId: 1, clientX: 80, clientY: 120 })
  fireEvent.pointerUp(pad, { pointerId: 1, clientX: 80, clientY: 120 })
}
