import { useEffect, useState } from 'react'
import type { DenoiseResult } from '../../api'
import { errorMap, greyLevels, greyToDataUrl, loadImageElement, noiseMap } from '../../lib/image'

export interface DiffMaps {
  /** the noise itself: mid grey where nothing was added */
  noise: string
  /** |denoised - original|: black where the model got the pixel right */
  error: string
}

/** The noise and error maps of a result, computed in the browser when asked for. */
export function useDiffMaps(result: DenoiseResult | null, enabled: boolean): DiffMaps | null {
  const [maps, setMaps] = useState<{ for: DenoiseResult; maps: DiffMaps } | null>(null)
  useEffect(() => {
    if (!enabled || !result) return
    let cancelled = false
    Promise.all([result.input, result.noisy, result.denoised].map(loadImageElement))
      .then(([input, noisy, denoised]) => {
        const [a, b, c] = [input, noisy, denoised].map(greyLevels)
        if (!cancelled) setMaps({ for: result, maps: { noise: greyToDataUrl(noiseMap(a, b)), error: greyToDataUrl(errorMap(a, c)) } })
      })
      .catch(() => {
        // the maps are optional views
      })
    return () => {
      cancelled = true
    }
  }, [result, enabled])
  return enabled && maps && maps.for === result ? maps.maps : null
}
