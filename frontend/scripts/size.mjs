// Print the gzipped size of the production JavaScript (dist/assets/*.js); fail over the budget.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 150)
const dir = new URL('../dist/assets/', import.meta.url)

let files
try {
  files = readdirSync(dir).filter((name) => name.endsWith('.js'))
} catch {
  console.error('dist/assets not found: run `npm run build` first')
  process.exit(2)
}
if (files.length === 0) {
  console.error('no JavaScript in dist/assets')
  process.exit(2)
}

let rawTotal = 0
let gzipTotal = 0
for (const name of files.sort()) {
  const bytes = readFileSync(join(dir.pathname, name))
  const gz = gzipSync(bytes, { level: 9 }).length
  rawTotal += bytes.length
  gzipTotal += gz
  console.log(`${name.padEnd(36)} ${(bytes.length / 1024).toFixed(1).padStart(8)} kB  ${(gz / 1024).toFixed(1).padStart(7)} kB gzip`)
}
const total = gzipTotal / 1024
console.log(`${'total'.padEnd(36)} ${(rawTotal / 1024).toFixed(1).padStart(8)} kB  ${total.toFixed(1).padStart(7)} kB gzip (budget ${BUDGET_KB} kB)`)
if (total > BUDGET_KB) {
  console.error(`JavaScript bundle is ${total.toFixed(1)} kB gzipped, over the ${BUDGET_KB} kB budget`)
  process.exit(1)
}
