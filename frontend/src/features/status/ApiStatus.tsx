import type { ReadyStatus } from '../../api'
import './status.css'

/** A small badge from GET /readyz: ready, starting (503), or unreachable. */
export function ApiStatus({ status }: { status: ReadyStatus | null }) {
  let state = 'checking'
  let text = 'Checking API…'
  if (status?.ready) {
    state = 'ready'
    text = 'API ready'
  } else if (status && status.status === 0) {
    state = 'down'
    text = 'API unreachable'
  } else if (status) {
    state = 'starting'
    text = 'API starting'
  }
  return (
    <p className={`api-status api-status--${state}`} role="status" aria-live="polite" data-state={state}>
      <span className="api-status__dot" aria-hidden="true" />
      {text}
    </p>
  )
}
