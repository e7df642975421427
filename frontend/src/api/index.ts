import { createClient } from './client'

export { createClient, type ApiClient } from './client'
export { ApiError, NetworkError, isAbortError } from './errors'
export * from './types'

/** The app's client: same origin unless VITE_API_BASE points elsewhere. */
export const api = createClient({ baseUrl: import.meta.env.VITE_API_BASE ?? '' })
