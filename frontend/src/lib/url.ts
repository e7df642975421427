/** The view's shareable state in the URL's query string (model, noise, level, seed, example, uncertainty). */

export interface UrlState {
  model?: string
  noise?: string
  level?: number
  seed?: number
  example?: number
  /** the uncertainty map is asked for (`uncertainty=1`; absent when off) */
  uncertainty?: boolean
}

/** Parse a query string; values that do not parse are left out. */
export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search)
  const state: UrlState = {}
  const model = params.get('model')
  if (model) state.model = model
  const noise = params.get('noise')
  if (noise) state.noise = noise
  const number = (key: string) => {
    const raw = params.get(key)
    if (raw === null || raw.trim() === '') return undefined
    const value = Number(raw)
    return Number.isFinite(value) ? value : undefined
  }
  const level = number('level')
  if (level !== undefined && level >= 0 && level <= 1) state.level = level
  const seed = number('seed')
  if (seed !== undefined && Number.isInteger(seed) && seed >= 0) state.seed = seed
  const example = number('example')
  if (example !== undefined && Number.isInteger(example) && example >= 0) state.example = example
  const uncertainty = params.get('uncertainty')
  if (uncertainty === '1' || uncertainty === 'true') state.uncertainty = true
  return state
}

/** The query string for a state (keys in a fixed order; undefined values left out). */
export function formatUrlState(state: UrlState): string {
  const params = new URLSearchParams()
  if (state.model) params.set('model', state.model)
  if (state.noise) params.set('noise', state.noise)
  if (state.level !== undefined) params.set('level', String(Number(state.level.toFixed(2))))
  if (state.seed !== undefined) params.set('seed', String(state.seed))
  if (state.example !== undefined) params.set('example', String(state.example))
  if (state.uncertainty) params.set('uncertainty', '1')
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** The state in the address bar now. */
export function readUrlState(): UrlState {
  return typeof window === 'undefined' ? {} : parseUrlState(window.location.search)
}

/** Replace the address bar's query string (no new history entry). */
export function writeUrlState(state: UrlState): void {
  const search = formatUrlState(state)
  if (search === window.location.search) return
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`)
}
