import { useEffect, useState } from 'react'

/** `value`, but only once it has stopped changing for `delay` ms. */
export function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay)
    return () => clearTimeout(timer)
  }, [value, delay])
  return debounced
}

/** Load an image URL and wait until it is decoded, so swapping it in does not flicker. */
export async function preloadImage(src: string): Promise<void> {
  if (typeof Image === 'undefined') return
  const img = new Image()
  img.src = src
  if (typeof img.decode !== 'function') return
  try {
    await img.decode()
  } catch {
    // a broken image still gets shown (as broken); no reason to fail the whole result
  }
}
