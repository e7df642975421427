import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { CompareController, CompareSource } from '../features/compare'
import { requestNoise, type DenoiseRequest, type NoiseSettings, type useDenoise } from '../features/denoise'
import type { PadController, PadInput } from '../features/input'
import type { LatentExplorer } from '../features/latent'
import type { ModelCopy } from '../features/models'
import { useDebounced } from '../lib/hooks'
import { drawPrompt } from '../lib/nouns'

/** What the app sends to the denoiser: the pad's input, with the pad's version it was taken from. */
export type VersionedInput = PadInput & { version: number }
export type DenoiseController = ReturnType<typeof useDenoise<VersionedInput>>

export const newSeed = () => Math.floor(Math.random() * 2 ** 31)

/** The end of a request's key when it asks for the uncertainty map. */
const UNCERTAINTY_KEY = '|uncertainty'

/**
 * What the Compare view compares: the request behind the results (same image, model, noise and seed),
 * less the uncertainty map, a /denoise option; so turning the map on or off does not compare again.
 */
export function compareSource({ key, input, options }: DenoiseRequest<VersionedInput>): CompareSource {
  const { model, noise, level, seed } = options
  return { key: key.endsWith(UNCERTAINTY_KEY) ? key.slice(0, -UNCERTAINTY_KEY.length) : key, input, options: { model, noise, level, seed } }
}

export function blankError(subject: string) {
  return { code: 'blank_image', message: `The pad is blank. ${drawPrompt(subject)} first.` }
}

interface DenoiseRequestsOptions {
  /** the noise seed a shared link asks for */
  initialSeed: number | undefined
  /** the API answers /readyz */
  ready: boolean
  model: string
  copy: ModelCopy
  pad: PadController
  noiseSettings: NoiseSettings
  denoise: DenoiseController
  latent: LatentExplorer
  compare: CompareController
}

/**
 * Requests follow the pad: the model runs when the input or the options change (live), or when Denoise
 * is pressed; an empty pad clears the results and the latent view. When the API is back (the readiness
 * poll sees it) a request, and a comparison, that failed for want of it is asked again.
 * `key` names the request the inputs and options ask for now (the results shown may be of another).
 */
export function useDenoiseRequests({ initialSeed, ready, model, copy, pad, noiseSettings, denoise, latent, compare }: DenoiseRequestsOptions) {
  const { mode, noise, level, uncertainty } = noiseSettings
  const version = pad.padState.version
  const [seed, setSeed] = useState(() => initialSeed ?? newSeed())
  const [live, setLive] = useState(true)
  const [trigger, setTrigger] = useState(0)
  const debouncedLevel = useDebounced(level, 120)

  // As-is mode, level 0 and "none" are the same request: no noise added, nothing to score against.
  const sent = requestNoise(mode, noise, debouncedLevel)
  // the uncertainty map is part of the answer asked for: turning it on or off asks again
  const key = `${version}|${model}|${sent.noise === 'none' ? 'none' : `${sent.noise}@${sent.level}`}|${seed}${uncertainty ? UNCERTAINTY_KEY : ''}`

  // --- run the model when the input or the options change (live), or when Denoise is pressed -----
  const latest = useRef({ key, model, sent, seed, uncertainty, version, pad, denoise, latent, copy, compare })
  useLayoutEffect(() => {
    latest.current = { key, model, sent, seed, uncertainty, version, pad, denoise, latent, copy, compare }
  })
  const handledTrigger = useRef(0)
  const empty = pad.empty
  useEffect(() => {
    const now = latest.current
    if (empty) {
      now.denoise.reset()
      now.latent.reset()
      return
    }
    const explicit = trigger !== handledTrigger.current
    if (!live && !explicit) return
    handledTrigger.current = trigger
    let cancelled = false
    void now.pad.getInput().then((input) => {
      if (cancelled) return
      if (!input) {
        if (explicit) now.pad.setError(blankError(now.copy.subject))
        return
      }
      void now.denoise.run({
        key: now.key,
        input: { ...input, version: now.version },
        options: { model: now.model, ...now.sent, seed: now.seed, uncertainty: now.uncertainty },
        strokeEnd: now.pad.takeStrokeEnd(),
      })
    })
    return () => {
      cancelled = true
    }
  }, [key, live, trigger, empty])

  // The API is back (the readiness poll sees it): drop the network error and re-run the last request.
  const wasReady = useRef(ready)
  const unavailable = denoise.error?.unavailable ?? false
  useEffect(() => {
    if (ready && !wasReady.current && unavailable) {
      latest.current.denoise.clearError()
      setTrigger((t) => t + 1)
    }
    wasReady.current = ready
  }, [ready, unavailable])
  // ... and a comparison that failed for the same reason is asked again
  const wasReadyForCompare = useRef(ready)
  const compareUnavailable = compare.unavailable
  useEffect(() => {
    if (ready && !wasReadyForCompare.current && compareUnavailable) latest.current.compare.retry()
    wasReadyForCompare.current = ready
  }, [ready, compareUnavailable])

  /** The Denoise button. */
  const onDenoise = () => {
    if (pad.empty) {
      pad.setError(blankError(copy.subject))
      return
    }
    // Results already current: the button draws a new noise sample (it never looks dead).
    if (denoise.shown?.key === key && !denoise.error) setSeed(newSeed())
    setTrigger((t) => t + 1)
  }

  return { key, seed, live, setLive, onDenoise }
}
