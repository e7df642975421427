import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// the global styles first: the features' own styles (imported by their components) come after them
import './index.css'
import App from './App'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
