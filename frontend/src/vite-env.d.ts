/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Optional origin of the API, e.g. http://localhost:8000 (default: same origin). */
  readonly VITE_API_BASE?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
