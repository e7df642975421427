import './ThemeToggle.css'

interface ThemeToggleProps {
  dark: boolean
  onToggle: () => void
}

/** Switch between light and dark (the default follows the system's prefers-color-scheme). */
export function ThemeToggle({ dark, onToggle }: ThemeToggleProps) {
  return (
    <button type="button" className="theme-toggle" aria-pressed={dark} onClick={onToggle} title="Switch light / dark">
      <span aria-hidden="true">{dark ? '☾' : '☀'}</span>
      <span className="theme-toggle__label visually-hidden-on-phones">Dark mode</span>
    </button>
  )
}
