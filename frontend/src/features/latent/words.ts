/** Plain-language sentences of the latent explorer (pure, so they are tested word for word). */
import type { ModelInfo, Neighbour, Typicality, Vote } from '../../api'
import { withArticle } from '../../lib/nouns'
import type { MorphEnd } from './useMorph'

/** "digit" -> "digits", "clothing item" -> "clothing items". */
export function plural(noun: string): string {
  if (/^\d+$/.test(noun)) return `${noun}s`
  if (/(s|sh|ch|x|z)$/i.test(noun)) return `${noun}es`
  return `${noun}s`
}

/** "mnist" -> "MNIST", "fashion-mnist" -> "Fashion-MNIST"; other names as they are. */
export function datasetName(dataset: unknown): string {
  const name = String(dataset ?? '').trim()
  const lower = name.toLowerCase()
  if (lower === 'mnist') return 'MNIST'
  if (lower === 'fashion-mnist' || lower === 'fashion_mnist') return 'Fashion-MNIST'
  return name || 'the training set'
}

/** "the 7s" for digits, "the Sneakers" for named classes. */
function among(className: string): string {
  return `the ${plural(className)}`
}

/**
 * Where the image sits on the map, from the vote of its nearest map digits:
 * "Your drawing sits among the 7s (9 of its 10 nearest test digits are 7s)."
 */
export function voteSentence(who: string, vote: Vote, neighbours: readonly Neighbour[] | undefined, subject: string): string {
  const n = neighbours?.length ?? 0
  const count = n > 0 ? neighbours!.filter((x) => x.label === vote.label).length : null
  const nouns = `test ${plural(subject)}`
  const name = plural(vote.class_name)
  if (count === null) return `${who} sits among ${among(vote.class_name)} (${Math.round(vote.share * 100)}% of its nearest ${nouns} are ${name}).`
  if (count === n) return `${who} sits among ${among(vote.class_name)} (all ${n} of its nearest ${nouns} are ${name}).`
  if (count * 2 > n) return `${who} sits among ${among(vote.class_name)} (${count} of its ${n} nearest ${nouns} are ${name}).`
  return `${who} sits between classes: of its ${n} nearest ${nouns}, the most common are ${name} (${count} of ${n}).`
}

/** A percentage with one decimal near the ends (99.6%, 0.4%) and none in between (58%). */
export function percent(value: number): string {
  const v = Math.max(0, Math.min(100, value))
  const text = v >= 99 || v <= 1 ? v.toFixed(1) : String(Math.round(v))
  return text.replace(/\.0$/, '')
}

/**
 * The typicality line: a polite warning when the image is unlike the test set, else a quiet line. For
 * an image that carries its own visible noise (`noisy`), the warning says the noise is part of why. For a
 * model trained on your own images (`own`), the set is "your images" ("your digits"), never a dataset name.
 */
export function typicalitySentence(typicality: Typicality, dataset: unknown, subject: string, noisy = false, own = false): string {
  const nouns = own ? `your test ${plural(subject)}` : `test ${plural(subject)}`
  if (!typicality.typical) {
    const than = typicality.percentile >= 99.95 ? `any of ${own ? '' : 'the '}${nouns}` : `${percent(typicality.percentile)}% of ${nouns}`
    const error = `reconstruction error ${Math.round(typicality.score * 10) / 10}`
    // an image that carries its own noise is judged with its noise: that alone makes it unusual
    if (noisy) return `Your image is less typical than ${than} (${error}), partly because of its own noise. Check the denoised image by eye.`
    const unlike = own ? `your ${plural(subject)}` : `${withArticle(subject)} the model has seen`
    return `This does not look like ${unlike}: it is less typical than ${than} (${error}). The denoised image may be a guess.`
  }
  return `Typical for ${own ? `your ${plural(subject)}` : datasetName(dataset)}: more typical than ${percent(100 - typicality.percentile)}% of ${nouns}.`
}

/** The model the latent view uses, and why, when it is not the denoiser. */
export interface LatentChoice {
  name: string
  version: number | null
  /** the model has a decoder: clicking the map and morphing work */
  canDecode: boolean
  /** a sentence when the latent view differs from the denoiser or cannot decode; null otherwise */
  note: string | null
  /** served models that can decode, "mnist-vae v1" */
  decoders: string[]
}

const label = (m: Pick<ModelInfo, 'name' | 'version'>) => `${m.name} v${m.version}`
const datasetOf = (m: ModelInfo | undefined) => String(m?.metadata.dataset ?? '').toLowerCase()

/**
 * The latent view's model: the denoiser when it can decode; else a served model of the same dataset
 * that can; else the denoiser itself (map and encode only, with a sentence naming the models that can).
 */
export function pickLatentModel(models: readonly ModelInfo[] | null, selected: string): LatentChoice {
  const info = models?.find((m) => m.name === selected)
  const decoding = (models ?? []).filter((m) => m.metadata.has_decode === true)
  const decoders = decoding.map(label)
  if (!info) return { name: selected, version: null, canDecode: false, note: null, decoders }
  if (info.metadata.has_decode === true) return { name: info.name, version: info.version, canDecode: true, note: null, decoders }
  const dataset = datasetOf(info)
  // a VAE draws digits from any spot; a plain bottleneck (mnist-dense, ...) decodes too, but less well
  const sameData = dataset ? decoding.filter((m) => datasetOf(m) === dataset) : []
  const partner = sameData.find((m) => m.metadata.arch === 'vae') ?? sameData[0]
  if (partner) {
    return {
      name: partner.name,
      version: partner.version,
      canDecode: true,
      note: `Latent view uses ${label(partner)}: ${label(info)} (the denoiser) cannot draw from a code.`,
      decoders,
    }
  }
  const which = decoders.length > 0 ? `Models that can, trained on other images: ${decoders.join(', ')}.` : 'None of the served models can.'
  return {
    name: info.name,
    version: info.version,
    canDecode: false,
    note: `${label(info)} cannot draw from a code, so the map shows where images lie but cannot be decoded. ${which}`,
    decoders,
  }
}

/** "From your drawing to the clicked 3", "From your drawing to example 2 (3)". */
export function morphLabel(startName: string, end: MorphEnd, spotClass: string | null): string {
  if (end.kind === 'point') return `From ${startName} to the clicked ${spotClass ?? 'spot'}`
  return `From ${startName} to example ${end.index + 1} (${end.className})`
}

