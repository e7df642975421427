import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { api, isAbortError, type EncodeResponse, type Example, type ModelInfo, type Preprocess } from '../../api'
import { dataUrlToBlob } from '../../lib/image'
import type { UiError } from '../../components/ErrorAlert'
import type { Point } from './math'
import { toUiError, useDecode } from './useDecode'
import { useLatentMap } from './useLatentMap'
import { useMorph, type MorphEnd } from './useMorph'
import { pickLatentModel } from './words'

/** What the morph goes to: the last decoded map spot, or a gallery example (encoded by the latent model). */
export type MorphTarget = { kind: 'point' } | { kind: 'example'; index: number; className: string; image: string }

interface ExplorerOptions {
  /** GET /models (null until loaded) */
  models: ModelInfo[] | null
  /** the denoiser the user chose */
  model: string
  enabled?: boolean
}

/**
 * The latent explorer's state: which model it uses (the denoiser, or a decoding model of the same
 * dataset), that model's map, POST /encode of the current image, a clicked spot's POST /decode, and a
 * morph from the image's code to the spot's or an example's.
 */
export function useLatentExplorer({ models, model, enabled = true }: ExplorerOptions) {
  const choice = useMemo(() => pickLatentModel(models, model), [models, model])
  const latentModel = choice.name
  const { map, error: mapError, loading: mapLoading } = useLatentMap(latentModel, enabled)
  const canDecode = choice.canDecode && map?.decodable !== false

  // --- POST /encode of the current image, with the latent model ---------------------------------
  const [encoded, setEncoded] = useState<EncodeResponse | null>(null)
  const [encoding, setEncoding] = useState(false)
  const [encodeError, setEncodeError] = useState<UiError | null>(null)
  const inflight = useRef<AbortController | null>(null)
  const modelRef = useRef(latentModel)
  useEffect(() => {
    modelRef.current = latentModel
  }, [latentModel])

  const encode = useCallback((image: Blob, preprocess: Preprocess) => {
    inflight.current?.abort()
    const controller = new AbortController()
    inflight.current = controller
    setEncoding(true)
    api
      .encode(image, { model: modelRef.current, preprocess }, controller.signal)
      .then((answer) => {
        if (controller.signal.aborted) return
        setEncoded(answer)
        setEncodeError(null)
        setEncoding(false)
      })
      .catch((e: unknown) => {
        if (isAbortError(e) || controller.signal.aborted) return
        setEncodeError(toUiError(e))
        setEncoding(false)
      })
  }, [])

  const { spot, decodePoint: decodeSpot, reset: resetSpot } = useDecode(latentModel)
  const { morph, run: runMorph, reset: resetMorph } = useMorph(latentModel)
  const [target, setTarget] = useState<(MorphTarget & { model: string }) | null>(null)
  const [exampleCodes, setExampleCodes] = useState<Record<string, number[]>>({})
  const [exampleError, setExampleError] = useState<UiError | null>(null)

  const reset = useCallback(() => {
    inflight.current?.abort()
    setEncoded(null)
    setEncoding(false)
    setEncodeError(null)
    resetMorph()
  }, [resetMorph])

  /** Decode a map spot (a click, a tap, Enter); the morph then goes to it. */
  const decodePoint = useCallback(
    (point: Point) => {
      if (!canDecode) return
      decodeSpot(point)
      setTarget({ kind: 'point', model: latentModel })
    },
    [canDecode, decodeSpot, latentModel],
  )

  /** Morph to a gallery example: its code comes from POST /encode with the latent model. */
  const morphToExample = useCallback(
    (index: number, example: Example) => {
      setTarget({ kind: 'example', index, className: example.class_name, image: example.image, model: latentModel })
      const key = `${latentModel}|${example.image}`
      if (key in exampleCodes) return
      setExampleError(null)
      api
        .encode(dataUrlToBlob(example.image), { model: latentModel, preprocess: 'resize' })
        .then((answer) => setExampleCodes((all) => ({ ...all, [key]: answer.latent })))
        .catch((e: unknown) => setExampleError(toUiError(e)))
    },
    [latentModel, exampleCodes],
  )

  // --- run the morph when both ends are known -------------------------------------------------------
  const current = target?.model === latentModel ? target : null
  const encodedHere = encoded?.model.name === latentModel ? encoded : null
  const from = encodedHere?.latent ?? null
  let to: number[] | null = null
  let end: MorphEnd | null = null
  if (current?.kind === 'point' && spot?.result && spot.resultPoint) {
    to = spot.result.latent
    end = { kind: 'point', point: spot.resultPoint }
  } else if (current?.kind === 'example') {
    to = exampleCodes[`${latentModel}|${current.image}`] ?? null
    end = { kind: 'example', index: current.index, className: current.className }
  }
  const morphKey = from && to && end ? `${latentModel}|${encodedHere?.request_id}|${JSON.stringify(end)}` : null
  const latest = useRef({ from, to, end })
  useEffect(() => {
    latest.current = { from, to, end }
  })
  useEffect(() => {
    const { from: a, to: b, end: e } = latest.current
    if (!canDecode || !morphKey || !a || !b || !e) return
    runMorph(morphKey, a, b, e)
  }, [canDecode, morphKey, runMorph])

  return {
    choice,
    latentModel,
    canDecode,
    map,
    mapError,
    mapLoading,
    /** the last /encode answer (of any model; `encodedStale` says when it is another model's) */
    encoded,
    encodedStale: !!encoded && encoded.model.name !== latentModel,
    encoding,
    encodeError,
    encode,
    reset,
    spot,
    decodePoint,
    resetSpot,
    target: current,
    /** the last morph (its `to` says where it went); `morphCurrent` says whether it is the one wanted now */
    morph,
    morphCurrent: !!morph && morph.key === morphKey,
    exampleError,
    morphToExample,
    morphToPoint: useCallback(() => setTarget({ kind: 'point', model: latentModel }), [latentModel]),
  }
}

export type LatentExplorer = ReturnType<typeof useLatentExplorer>
