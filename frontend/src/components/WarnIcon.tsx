import './WarnIcon.css'

/**
 * A small warning triangle in the text's colour, beside words that say the same (never the only
 * sign): hidden from screen readers, which read the words.
 */
export function WarnIcon() {
  return (
    <svg className="warn-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M8 1.5 15 14H1L8 1.5Z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
      <path d="M8 6v3.6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      <circle cx="8" cy="11.6" r="0.95" fill="currentColor" />
    </svg>
  )
}
