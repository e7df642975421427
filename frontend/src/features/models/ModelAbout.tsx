import type { ModelCopy } from './copy'
import './models.css'

/**
 * For a model trained on your own images, what its card says about them (counts, and the classes your
 * folders named); nothing for the built-in datasets.
 */
export function ModelAbout({ copy }: { copy: Pick<ModelCopy, 'about'> }) {
  if (!copy.about) return null
  return (
    <p className="model-about muted" data-testid="model-about" title={copy.about}>
      {copy.about}
    </p>
  )
}
