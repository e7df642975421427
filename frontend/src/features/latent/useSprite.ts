import { useEffect, useState } from 'react'
import { loadImageElement } from '../../lib/image'

const cache = new Map<string, Promise<HTMLImageElement>>()

/** Load a sprite image once per URL (shared by every component and re-render); null until loaded. */
export function useSprite(url: string | null): { image: HTMLImageElement | null; error: boolean } {
  const [loaded, setLoaded] = useState<{ url: string; image: HTMLImageElement | null; error: boolean } | null>(null)

  useEffect(() => {
    if (!url) return
    let current = true
    let promise = cache.get(url)
    if (!promise) {
      promise = loadImageElement(url)
      cache.set(url, promise)
      // a failed load may be retried by a later mount
      promise.catch(() => cache.delete(url))
    }
    promise.then(
      (image) => current && setLoaded({ url, image, error: false }),
      () => current && setLoaded({ url, image: null, error: true }),
    )
    return () => {
      current = false
    }
  }, [url])

  if (!url || loaded?.url !== url) return { image: null, error: false }
  return { image: loaded.image, error: loaded.error }
}
