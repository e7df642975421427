/** A failed API call: the server's error code and message, or a client-side code. */
export class ApiError extends Error {
  readonly code: string
  readonly status: number
  readonly requestId?: string

  constructor(code: string, message: string, status: number, requestId?: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.requestId = requestId
  }
}

/** The server could not be reached at all (down, restarting, offline). */
export class NetworkError extends ApiError {
  constructor(message = 'Cannot reach the denoiser API. Is the server running?') {
    super('network_error', message, 0)
    this.name = 'NetworkError'
  }
}

/** True when the error comes from an aborted request (a newer one replaced it). */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException
    ? error.name === 'AbortError'
    : error instanceof Error && error.name === 'AbortError'
}
