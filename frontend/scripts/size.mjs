// Print the gzipped size of the production JavaScript; fail when the app's own bundle (the scripts
// dist/index.html loads, with their preloaded chunks) is over the budget. Other entries (the API docs
// page and its vendored Swagger UI) are listed apart: they load only on /docs.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 150)
const dist = new URL('../dist/', import.meta.url).pathname
const assets = join(dist, 'assets')

if (!existsSync(join(dist, 'index.html')) || !existsSync(assets)) {
  console.error('dist/ not found: run `npm run build` first')
  process.exit(2)
}

const app = new Set(Array.from(readFileSync(join(dist, 'index.html'), 'utf8').matchAll(/\/assets\/([^"']+\.js)/g), (m) => m[1]))
if (app.size === 0) {
  console.error('dist/index.html loads no JavaScript')
  process.exit(2)
}

const kb = (n) => (n / 1024).toFixed(1)
const row = (name, raw, gz) => console.log(`${name.padEnd(44)} ${kb(raw).padStart(8)} kB  ${kb(gz).padStart(7)} kB gzip`)
let rawTotal = 0
let gzipTotal = 0
const others = []
for (const name of readdirSync(assets).filter((n) => n.endsWith('.js')).sort()) {
  const bytes = readFileSync(join(assets, name))
  const gz = gzipSync(bytes, { level: 9 }).length
  if (app.has(name)) {
    rawTotal += bytes.length
    gzipTotal += gz
    row(name, bytes.length, gz)
  } else others.push([`assets/${name}`, bytes.length, gz])
}
const vendor = join(dist, 'docs/vendor')
if (existsSync(vendor)) {
  for (const name of readdirSync(vendor).filter((n) => n.endsWith('.js'))) {
    const bytes = readFileSync(join(vendor, name))
    others.push([`docs/vendor/${name}`, bytes.length, gzipSync(bytes, { level: 9 }).length])
  }
}
const total = gzipTotal / 1024
console.log(`${'app total'.padEnd(44)} ${kb(rawTotal).padStart(8)} kB  ${total.toFixed(1).padStart(7)} kB gzip (budget ${BUDGET_KB} kB)`)
if (others.length > 0) {
  console.log('\nnot in the app bundle (the /docs page only):')
  for (const [name, raw, gz] of others) row(name, raw, gz)
}
if (total > BUDGET_KB) {
  console.error(`JavaScript bundle is ${total.toFixed(1)} kB gzipped, over the ${BUDGET_KB} kB budget`)
  process.exit(1)
}
