import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { curlExamples } from './examples'

describe('curlExamples', () => {
  it('takes the bash blocks of the curl section only', () => {
    const md = '# API\n```bash\nmake serve\n```\n## Endpoints, with curl\ntext\n```bash\ncurl a\n```\n```bash\ncurl b\n```\n## Errors\n```bash\nno\n```\n'
    expect(curlExamples(md)).toEqual(['curl a', 'curl b'])
    expect(curlExamples('nothing')).toEqual([])
  })
  it('finds the /denoise examples in docs/api.md', () => {
    const blocks = curlExamples(readFileSync(resolve(process.cwd(), '../docs/api.md'), 'utf8'))
    expect(blocks.join('\n')).toContain('/denoise')
  })
})
