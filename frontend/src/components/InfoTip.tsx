import { useId, useState, type ReactNode } from 'react'
import './InfoTip.css'

interface InfoTipProps {
  /** what the tip explains, for the button's name: "About PSNR" */
  term: string
  children: ReactNode
}

/** A small (i) button that shows a one-line explanation next to it (click, Enter or Space; Escape closes). */
export function InfoTip({ term, children }: InfoTipProps) {
  const [open, setOpen] = useState(false)
  const id = useId()
  return (
    <span className="infotip" onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}>
      <button
        type="button"
        className="infotip__button"
        aria-label={`About ${term}`}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((value) => !value)}
        onBlur={() => setOpen(false)}
      >
        i
      </button>
      <span id={id} role="note" className="infotip__text" hidden={!open}>
        {children}
      </span>
    </span>
  )
}
