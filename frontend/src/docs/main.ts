/**
 * The API docs page (/docs): Swagger UI from the swagger-ui-dist package, copied into the build and
 * served by Flask from local files (no CDN), plus the curl examples of docs/api.md. A separate Vite
 * entry: none of this is in the app's bundle.
 */
import examples from 'virtual:api-examples'
import './docs.css'

declare global {
  interface Window {
    SwaggerUIBundle?: (options: Record<string, unknown>) => unknown
  }
}

function renderExamples() {
  const body = document.getElementById('examples-body')
  if (!body) return
  body.replaceChildren()
  const port = window.location.port ? `:${window.location.port}` : ''
  const here = `${window.location.hostname}${port}`
  if (examples.length === 0) document.getElementById('examples')?.remove()
  for (const block of examples) {
    const pre = document.createElement('pre')
    const code = document.createElement('code')
    code.textContent = block.replaceAll('localhost:8000', here)
    pre.append(code)
    pre.tabIndex = 0
    body.append(pre)
  }
}

function load(tag: 'script' | 'link', url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const element = document.createElement(tag)
    if (element instanceof HTMLScriptElement) element.src = url
    else {
      element.rel = 'stylesheet'
      element.href = url
    }
    element.onload = () => resolve()
    element.onerror = () => reject(new Error(`could not load ${url}`))
    document.head.append(element)
  })
}

async function renderSwagger() {
  const base = '/docs/vendor/'
  await Promise.all([load('link', `${base}swagger-ui.css`), load('script', `${base}swagger-ui-bundle.js`)])
  window.SwaggerUIBundle?.({
    url: '/openapi.json',
    dom_id: '#swagger',
    deepLinking: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
  })
}

renderExamples()
void renderSwagger().catch((error: unknown) => {
  const target = document.getElementById('swagger')
  if (target) target.textContent = `The interactive reference could not load (${String(error)}); see /openapi.json.`
})
