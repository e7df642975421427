import { useEffect, useRef } from 'react'
import './ErrorAlert.css'

export interface UiError {
  code: string
  message: string
}

interface ErrorAlertProps {
  error: UiError
  title: string
  onDismiss?: () => void
}

/**
 * An error in words, announced (role="alert") and placed next to what it concerns; scrolled into
 * view when it appears, so it is seen on a phone too.
 */
export function ErrorAlert({ error, title, onDismiss }: ErrorAlertProps) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'auto' })
  }, [error])
  return (
    <div ref={ref} className="error" role="alert" data-code={error.code}>
      <p>
        <strong>{title}:</strong> {error.message}
      </p>
      {onDismiss && (
        <button type="button" className="button--link" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      )}
    </div>
  )
}
