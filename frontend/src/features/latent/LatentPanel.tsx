import type { EncodeResponse, LatentMap as LatentMapData } from '../../api'
import { LatentHeatmap } from './LatentHeatmap'
import { LatentMap } from './LatentMap'

interface LatentPanelProps {
  encoded: EncodeResponse | null
  map: LatentMapData | null
  mapError: string | null
  /** the latent view belongs to an older input or model */
  stale: boolean
}

/** The latent vector as a heatmap and the image's place on the model's 2-D latent map. */
export function LatentPanel({ encoded, map, mapError, stale }: LatentPanelProps) {
  return (
    <section className={`panel latent${stale && encoded ? ' is-stale' : ''}`} aria-labelledby="latent-title">
      <h2 id="latent-title">
        Latent space {stale && encoded && <span className="stale-badge">Out of date</span>}
      </h2>
      <div className="latent__grid">
        <LatentHeatmap latent={encoded?.latent ?? null} />
        <LatentMap map={map} point={encoded?.projection ?? null} error={map ? null : mapError} />
      </div>
    </section>
  )
}
