/**
 * Digits whose files already carry noise, as people have them (frontend/public/examples/, served
 * beside the app at /examples/...). Picking one loads it as an upload would be loaded.
 */
export interface NoisyExample {
  id: string
  /** the words under the thumbnail */
  label: string
  /** the file under /examples/ */
  file: string
}

export const NOISY_EXAMPLES: readonly NoisyExample[] = [
  { id: 'noisy-digit', label: 'Noisy 28 px PNG', file: 'noisy-digit.png' },
  { id: 'noisy-scan', label: 'Noisy scan (JPEG)', file: 'noisy-scan.jpg' },
  { id: 'grainy-scan', label: 'Grainy scan', file: 'grainy-scan.png' },
  { id: 'low-light-photo', label: 'Low-light photo', file: 'low-light-photo.jpg' },
]

/** The example file's address, beside the app (same origin, whatever the API's base). */
export function noisyExampleUrl(example: NoisyExample): string {
  return `${import.meta.env.BASE_URL}examples/${example.file}`
}

const MIME_BY_EXTENSION: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' }

/** Download an example file as a File named after it (what an upload of the same file would be). */
export async function fetchNoisyExample(example: NoisyExample, signal?: AbortSignal): Promise<File> {
  const response = await fetch(noisyExampleUrl(example), { signal })
  if (!response.ok) throw new Error(`${example.file}: ${response.status}`)
  const blob = await response.blob()
  const extension = example.file.split('.').pop() ?? ''
  const type = blob.type.startsWith('image/') ? blob.type : (MIME_BY_EXTENSION[extension] ?? 'application/octet-stream')
  return new File([blob], example.file, { type })
}
