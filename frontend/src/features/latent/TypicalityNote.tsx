import type { Typicality } from '../../api'
import { typicalitySentence } from './words'
import './latent.css'

interface TypicalityNoteProps {
  typicality: Typicality | null | undefined
  /** the model card's dataset ("mnist") */
  dataset: unknown
  /** "digit" */
  subject: string
  /** the judged image carries its own visible noise (an upload denoised as it is) */
  noisy?: boolean
  /** the model was trained on your own images: the set is "your images", not a dataset */
  own?: boolean
}

/**
 * How typical the input is for the dataset's VAE: a polite notice when it is unlike the test set
 * (the denoised image may be a guess), a quiet line when it is typical, nothing when unknown.
 */
export function TypicalityNote({ typicality, dataset, subject, noisy = false, own = false }: TypicalityNoteProps) {
  return (
    <div className="typicality-slot" role="status">
      {typicality && (
        <p
          className={typicality.typical ? 'typicality muted' : 'typicality typicality--unusual'}
          data-testid="typicality"
          data-typical={String(typicality.typical)}
        >
          {typicalitySentence(typicality, dataset, subject, noisy, own)}
        </p>
      )}
    </div>
  )
}
