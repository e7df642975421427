import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'

export type Theme = 'system' | 'light' | 'dark'
const KEY = 'denoiser-theme'

function stored(): Theme {
  try {
    const value = window.localStorage.getItem(KEY)
    return value === 'light' || value === 'dark' ? value : 'system'
  } catch {
    return 'system'
  }
}

const QUERY = '(prefers-color-scheme: dark)'
const media = () => (typeof window.matchMedia === 'function' ? window.matchMedia(QUERY) : null)
const systemPrefersDark = () => media()?.matches ?? false
function subscribeSystemDark(onChange: () => void) {
  const query = media()
  query?.addEventListener?.('change', onChange)
  return () => query?.removeEventListener?.('change', onChange)
}

/**
 * The colour scheme: the system's (prefers-color-scheme) unless the user picked light or dark,
 * which is kept in localStorage and set as `data-theme` on <html> for the CSS.
 */
export function useTheme() {
  const [theme, setTheme] = useState<Theme>(stored)
  useEffect(() => {
    const root = document.documentElement
    if (theme === 'system') delete root.dataset.theme
    else root.dataset.theme = theme
    try {
      if (theme === 'system') window.localStorage.removeItem(KEY)
      else window.localStorage.setItem(KEY, theme)
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, [theme])
  const systemDark = useSyncExternalStore(subscribeSystemDark, systemPrefersDark, () => false)
  const dark = theme === 'dark' || (theme === 'system' && systemDark)
  const toggle = useCallback(() => setTheme(dark ? 'light' : 'dark'), [dark])
  return { theme, dark, setTheme, toggle }
}
