import { expect, jest } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Project } from '../../src/detect/index.js'
import type { InputReader } from '../../src/inputs.js'
import type { ImageFigures } from '../../src/report/model.js'

/** Relative path → content: a project folder described as a table. */
export type Tree = Record<string, string>

const made: string[] = []

/** Writes `files` into a fresh temporary folder and returns its path. */
export function tempTree(files: Tree = {}): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'venvship-test-'))
  made.push(root)
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
  }
  return root
}

/** Removes every folder tempTree made; call it from afterAll. */
export function removeTempTrees(): void {
  for (const root of made.splice(0)) {
    rmSync(root, { recursive: true, force: true })
  }
}

/** An action input reader over a plain object; unset inputs read ''. */
export function inputReader(inputs: Record<string, string>): InputReader {
  return name => inputs[name] ?? ''
}

/**
 * Runs `fn` while recording what it writes to stdout, where @actions/core
 * prints `::warning::` commands. Observes output; nothing is faked.
 */
export function capturingStdout<T>(fn: () => T): {
  result: T
  warnings: string[]
  output: string
} {
  const written: string[] = []
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
  try {
    const result = fn()
    const output = written.join('')
    const warnings = output
      .split('\n')
      .filter(line => line.startsWith('::warning'))
    return { result, warnings, output }
  } finally {
    spy.mockRestore()
  }
}

/** Catches what `fn` throws, so a test can inspect the error itself. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    // Node's own errors come from another realm than jest's `Error`.
    if (error instanceof Error || isErrorLike(error)) return error
    throw new Error(`threw a non-Error: ${String(error)}`)
  }
  throw new Error('expected an error, but nothing was thrown')
}

function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  )
}

/**
 * Compares `actual` with a committed golden file. UPDATE_GOLDEN=1 writes
 * the file instead, for the first run or a deliberate change.
 */
export function expectGolden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, actual)
    return
  }
  if (!existsSync(file)) {
    throw new Error(
      `Golden file ${file} is missing; run the tests with UPDATE_GOLDEN=1 ` +
        'to write it, then review and commit it.'
    )
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

/** A detected project, for the stages that come after detection. */
export function sampleProject(overrides: Partial<Project> = {}): Project {
  return {
    root: '/srv/shop',
    packageManager: {
      name: 'pip',
      requirements: ['requirements.txt'],
      devRequirements: ['requirements-dev.txt']
    },
    python: { version: '3.13', source: 'default' },
    command: {
      argv: ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'],
      source: 'Flask app in app.py',
      port: 8000
    },
    dependencies: ['flask', 'gunicorn'],
    ...overrides
  }
}

/** Measured figures of a built image, for budgets and reports. */
export function sampleFigures(
  role: ImageFigures['role'],
  overrides: Partial<ImageFigures> = {}
): ImageFigures {
  return {
    role,
    tag: `venvship/shop:${role}-42-1`,
    dockerfile: `/srv/shop/.venvship/${role === 'optimized' ? 'Dockerfile' : 'baseline.Dockerfile'}`,
    size: role === 'optimized' ? 150_000_000 : 1_200_000_000,
    compressedSize: role === 'optimized' ? 52_000_000 : 430_000_000,
    engineSize: role === 'optimized' ? 151_000_000 : 1_210_000_000,
    layerCount: role === 'optimized' ? 9 : 12,
    layers: [],
    buildSeconds: role === 'optimized' ? 41.25 : 63.5,
    user: role === 'optimized' ? '65532:65532' : 'root',
    ...overrides
  }
}

export interface Instruction {
  /** FROM, RUN, COPY…, upper case. */
  keyword: string
  /** The rest of the instruction, continuation lines joined by a space. */
  args: string
}

/**
 * A Dockerfile as stages of instructions: comments and blank lines
 * dropped, `\` continuations joined. Enough to assert properties.
 */
export function parseDockerfile(text: string): Instruction[][] {
  const logical: string[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    if (!pending && (raw.trim() === '' || raw.trim().startsWith('#'))) {
      continue
    }
    const line = raw.trim()
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1).trim() + ' '
      continue
    }
    logical.push(pending + line)
    pending = ''
  }
  const stages: Instruction[][] = []
  for (const line of logical) {
    const [keyword, ...rest] = line.split(' ')
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    if (instruction.keyword === 'FROM' || stages.length === 0) stages.push([])
    stages[stages.length - 1].push(instruction)
  }
  return stages
}
