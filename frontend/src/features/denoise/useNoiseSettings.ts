import { useCallback, useState } from 'react'
import type { NoiseType } from '../../api'

/**
 * `as-is`: "my image is already noisy", the API denoises what it is given (nothing added).
 * `add-noise`: the demo, the server adds the chosen noise to a clean drawing and scores the result.
 */
export type NoiseMode = 'as-is' | 'add-noise'

/** The noise options a request sends. */
export interface RequestNoise {
  noise: NoiseType
  level: number
}

/** What a request asks for: nothing added in as-is mode, for the type "None" or at level 0; else the demo's noise. */
export function requestNoise(mode: NoiseMode, noise: NoiseType, level: number): RequestNoise {
  if (mode === 'as-is' || noise === 'none' || level === 0) return { noise: 'none', level: 0 }
  return { noise, level }
}

interface UseNoiseSettingsOptions {
  /** the mode the input calls for (an upload: as-is; a drawing: add noise) */
  suggestedMode: NoiseMode
  /** the input's version: a choice made by hand holds until the input changes */
  inputVersion: number
  initialNoise: NoiseType
  initialLevel: number
  /** ask for the uncertainty map (a shared link's `uncertainty=1`) */
  initialUncertainty?: boolean
}

/**
 * The Noise panel's state: the mode, and the demo's noise type and level (kept while the mode is
 * as-is, so going back to the demo finds them as they were). The mode follows the input (an upload or
 * a noisy example is denoised as it is, a drawing gets noise added) unless the user chose one for the
 * input on the pad now. `uncertainty` asks /denoise for the map of where the model is unsure (re-noised
 * passes: about 8x the model's time, so off unless chosen); like the noise, it is kept in the URL.
 */
export function useNoiseSettings({ suggestedMode, inputVersion, initialNoise, initialLevel, initialUncertainty = false }: UseNoiseSettingsOptions) {
  const [noise, setNoise] = useState<NoiseType>(initialNoise)
  const [level, setLevel] = useState(initialLevel)
  const [uncertainty, setUncertainty] = useState(initialUncertainty)
  const [choice, setChoice] = useState<{ mode: NoiseMode; inputVersion: number } | null>(null)
  const mode = choice && choice.inputVersion === inputVersion ? choice.mode : suggestedMode
  const setMode = useCallback((next: NoiseMode) => setChoice({ mode: next, inputVersion }), [inputVersion])
  return { mode, setMode, noise, setNoise, level, setLevel, uncertainty, setUncertainty }
}

export type NoiseSettings = ReturnType<typeof useNoiseSettings>
