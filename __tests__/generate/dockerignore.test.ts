import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dockerignore } from '../../src/generate/dockerignore.js'

const GENERATED = readFileSync(
  fileURLToPath(new URL('./golden/default.dockerignore', import.meta.url)),
  'utf8'
)
const HEADING = "# From the project's .dockerignore:"

/** The rules after the heading that introduces the project's own. */
function projectSection(text: string): string[] | undefined {
  const rules = text.trimEnd().split('\n')
  const at = rules.indexOf(HEADING)
  return at === -1 ? undefined : rules.slice(at + 1)
}

describe('dockerignore', () => {
  it.each([
    { name: 'no project file', own: undefined },
    { name: 'an empty project file', own: '' },
    { name: 'only comments and blank lines', own: '# nothing\n\n   \n' },
    { name: 'only rules venvship has already', own: '.git\n.venv\ntests\n' }
  ])('is the generated rules alone for $name', ({ own }) => {
    expect(dockerignore(own)).toBe(GENERATED)
  })

  it.each([
    {
      name: 'rules of its own, after the generated ones',
      own: 'data/\n*.log\n',
      expected: ['data/', '*.log']
    },
    {
      name: 'duplicates of generated rules dropped',
      own: '.git\ndata/\n**/__pycache__\n.venv\n',
      expected: ['data/']
    },
    {
      name: 'duplicates among its own rules dropped',
      own: 'data/\n*.log\ndata/\n  *.log  \n',
      expected: ['data/', '*.log']
    },
    {
      name: 'an earlier duplicate dropped, so the last rule still wins',
      own: 'data/\n!data/keep.csv\ndata/\n',
      expected: ['!data/keep.csv', 'data/']
    },
    {
      name: 'comments, blanks and Windows line endings dropped',
      own: '# local\r\ndata/\r\n\r\n*.log\r\n',
      expected: ['data/', '*.log']
    },
    {
      name: 're-inclusions kept, in order, after what they re-include',
      own: 'docs/\n!docs/openapi.yaml\n!tests/fixtures\n',
      expected: ['docs/', '!docs/openapi.yaml', '!tests/fixtures']
    }
  ])('merges $name', ({ own, expected }) => {
    const text = dockerignore(own)
    expect(text.startsWith(GENERATED)).toBe(true)
    expect(projectSection(text)).toEqual(expected)
    const rules = text.split('\n').filter(l => l && !l.startsWith('#'))
    expect(new Set(rules).size).toBe(rules.length)
    expect(text.endsWith('\n')).toBe(true)
  })

  it('keeps the local venv and environment files out of the context', () => {
    const rules = dockerignore().split('\n')
    for (const rule of [
      '.venv',
      'venv',
      '.env',
      '.env.*',
      '.git',
      '.venvship'
    ]) {
      expect(rules).toContain(rule)
    }
  })
})
