import { PAD_SIZE, type PadBox } from './padTypes'
import './pad.css'

const pct = (value: number) => `${(value / PAD_SIZE) * 100}%`

/** A dashed outline over the pad round `box` (the crop the server's preprocessing took). */
export function CropBox({ box, label }: { box: PadBox; label?: string }) {
  return (
    <div
      className="pad-box__crop"
      data-testid="crop-box"
      title={label}
      aria-hidden="true"
      style={{
        // drawn just outside the box, so the outline does not hide ink on the box's edge
        left: `calc(${pct(box.x)} - 3px)`,
        top: `calc(${pct(box.y)} - 3px)`,
        width: `calc(${pct(box.width)} + 6px)`,
        height: `calc(${pct(box.height)} + 6px)`,
      }}
    />
  )
}
