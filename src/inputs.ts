import * as core from '@actions/core'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from './errors.js'
import { parseSize, SIZE_FORMS } from './sizes.js'
import { splitCommand } from './command-line.js'
import { SUPPORTED_MINORS } from './detect/version-constraint.js'

export const PACKAGE_MANAGERS = [
  'pip',
  'poetry',
  'uv',
  'pdm',
  'pipenv',
  'pyproject'
] as const
export type PackageManagerName = (typeof PACKAGE_MANAGERS)[number]

export type RuntimeChoice =
  | { kind: 'auto' }
  | { kind: 'distroless' }
  | { kind: 'slim' }
  | { kind: 'image'; image: string }

export type BaselineChoice =
  | { kind: 'auto' }
  | { kind: 'generated' }
  | { kind: 'dockerfile'; path: string }

export type SmokeTest =
  | { kind: 'auto'; timeoutSeconds: number }
  | { kind: 'off' }
  | { kind: 'command'; argv: string[]; timeoutSeconds: number }

/** Each budget that is set; sizes in bytes, reductions in percent. */
export interface Budgets {
  maxSize?: number
  maxCompressedSize?: number
  maxBaselineSize?: number
  minReduction?: number
  /** Growth of the optimized image against the base branch's report. */
  maxGrowth?: { bytes: number } | { percent: number }
}

/** Every input, parsed and checked once. */
export interface Settings {
  workingDirectory: string
  pythonVersion?: string
  packageManager: PackageManagerName | 'auto'
  command?: string[]
  runtime: RuntimeChoice
  baseline: BaselineChoice
  budgets: Budgets
  smokeTest: SmokeTest
  build: boolean
  caCertificates?: string
  /** A private package index replacing PyPI; a secret, never logged. */
  indexUrl?: string
  /** Further indexes searched after the main one; secrets too. */
  extraIndexUrls: string[]
  keepImages: boolean
  githubToken: string
  comment: boolean
  /** Tells this project's comment from others' in the same pull request. */
  commentKey: string
}

/** Reads one input; `name` is the one documented in action.yml. */
export type InputReader = (name: string) => string

const readActionInput: InputReader = name => core.getInput(name)

export function getSettings(read: InputReader = readActionInput): Settings {
  const input = checkedReader(read)
  const workingDirectory = parseWorkingDirectory(input('working-directory'))
  const smokeTimeout = parseSeconds('smoke-test-timeout', input)
  return {
    workingDirectory,
    pythonVersion: parsePythonVersion(input('python-version')),
    packageManager: parsePackageManager(input('package-manager')),
    command: parseCommand(input('command')),
    runtime: parseRuntime(input('runtime')),
    baseline: parseBaseline(input('baseline'), workingDirectory),
    budgets: parseBudgets(input),
    smokeTest: parseSmokeTest(input('smoke-test'), smokeTimeout),
    build: parseBoolean('build', input('build'), true),
    caCertificates: parseCaCertificates(input('ca-certificates')),
    indexUrl: parseIndexUrls('index-url', input('index-url'))[0],
    extraIndexUrls: parseIndexUrls('extra-index-url', input('extra-index-url')),
    keepImages: parseBoolean('keep-images', input('keep-images'), false),
    githubToken: input('github-token'),
    comment: parseBoolean('comment', input('comment'), true),
    commentKey: input('comment-key') || projectKey(workingDirectory)
  }
}

function parseBudgets(input: InputReader): Budgets {
  const size = (name: string) => parseOptionalSize(name, input(name))
  return {
    maxSize: size('max-size'),
    maxCompressedSize: size('max-compressed-size'),
    maxBaselineSize: size('max-baseline-size'),
    minReduction: parsePercent('min-reduction', input('min-reduction')),
    maxGrowth: parseGrowth(input('max-growth'))
  }
}

function parseGrowth(value: string): Budgets['maxGrowth'] {
  if (!value) return undefined
  if (value.trim().endsWith('%')) {
    return { percent: parsePercent('max-growth', value) ?? 0 }
  }
  const bytes = parseSize(value)
  if (bytes === undefined) {
    throw new ConfigurationError(
      `Input max-growth: "${value}" is neither a size nor a percentage; ` +
        'expected e.g. 5MB, 2MiB or 10%.'
    )
  }
  return { bytes }
}

function parsePercent(name: string, value: string): number | undefined {
  if (!value) return undefined
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(value)
  const percent = match ? Number(match[1]) : NaN
  if (!(percent >= 0 && percent <= 100)) {
    throw new ConfigurationError(
      `Input ${name}: "${value}" is not a percentage; expected a number ` +
        'from 0 to 100, such as 50 or 50%.'
    )
  }
  return percent
}

/** The project's path in the repository: "services/api", or "." */
function projectKey(workingDirectory: string): string {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const relative = path.relative(workspace, workingDirectory)
  return relative.split(path.sep).join('/') || '.'
}

// Never echoed in an error message.
const SECRET_INPUTS = ['github-token', 'index-url', 'extra-index-url']

// Inputs end up in Dockerfiles and command lines: a line break or control
// character could smuggle in an instruction, so none is accepted anywhere.
function checkedReader(read: InputReader): InputReader {
  return name => {
    const value = read(name).trim()
    // eslint-disable-next-line no-control-regex -- control characters are the point
    if (!SECRET_INPUTS.includes(name) && /[\u0000-\u001f\u007f]/.test(value)) {
      // JSON escapes show the value on one line: "3.13\n3.12".
      const shown = JSON.stringify(value).replace(/\u007f/g, '\\u007f')
      throw new ConfigurationError(
        `Input ${name}: ${shown} contains a line break or control ` +
          'character; expected a single line of text.'
      )
    }
    return value
  }
}

function parseWorkingDirectory(value: string): string {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const dir = path.resolve(workspace, value || '.')
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigurationError(
      `Input working-directory: "${value}" is not a folder ` +
        `(resolved to ${dir}); expected the path of the Python project, ` +
        'relative to the repository root.'
    )
  }
  return dir
}

function parsePythonVersion(value: string): string | undefined {
  if (!value) return undefined
  const minor = /^(3\.\d{1,2})(?:\.\d+)?$/.exec(value)?.[1]
  if (!minor || !SUPPORTED_MINORS.includes(minor)) {
    throw new ConfigurationError(
      `Input python-version: "${value}" is not a Python version venvship ` +
        `builds for; expected one of ${SUPPORTED_MINORS.join(', ')}.`
    )
  }
  return minor
}

function parsePackageManager(value: string): PackageManagerName | 'auto' {
  const name = (value || 'auto').toLowerCase()
  if (name === 'auto') return 'auto'
  if ((PACKAGE_MANAGERS as readonly string[]).includes(name)) {
    return name as PackageManagerName
  }
  throw new ConfigurationError(
    `Input package-manager: "${value}" is not supported; expected auto, ` +
      `${PACKAGE_MANAGERS.join(', ')}.`
  )
}

function parseCommand(value: string): string[] | undefined {
  if (!value) return undefined
  return splitCommand(value, 'command')
}

const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._/:@-]*$/i

function parseRuntime(value: string): RuntimeChoice {
  const name = value || 'auto'
  const keyword = name.toLowerCase()
  if (keyword === 'auto' || keyword === 'distroless' || keyword === 'slim') {
    return { kind: keyword }
  }
  if (IMAGE_REFERENCE.test(name) && !/\s/.test(name)) {
    return { kind: 'image', image: name }
  }
  throw new ConfigurationError(
    `Input runtime: "${value}" is neither auto, distroless, slim nor an ` +
      'image reference such as python:3.13-slim.'
  )
}

function parseBaseline(value: string, projectDir: string): BaselineChoice {
  const name = value || 'auto'
  if (name === 'auto' || name === 'generated') return { kind: name }
  const file = path.resolve(projectDir, name)
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ConfigurationError(
      `Input baseline: "${value}" is not a file in ${projectDir}; expected ` +
        'auto, generated, or the path of a Dockerfile.'
    )
  }
  return { kind: 'dockerfile', path: file }
}

export function parseOptionalSize(
  name: string,
  value: string
): number | undefined {
  if (!value) return undefined
  const bytes = parseSize(value)
  if (bytes === undefined) {
    throw new ConfigurationError(
      `Input ${name}: "${value}" is not a size; expected ${SIZE_FORMS}.`
    )
  }
  return bytes
}

function parseSeconds(name: string, input: InputReader): number {
  const value = input(name)
  if (!value) return 60
  const seconds = Number(value)
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new ConfigurationError(
      `Input ${name}: "${value}" is not a number of seconds; ` +
        'expected a whole number above 0, such as 60.'
    )
  }
  return seconds
}

function parseSmokeTest(value: string, timeoutSeconds: number): SmokeTest {
  const name = value || 'auto'
  if (name === 'auto') return { kind: 'auto', timeoutSeconds }
  if (name === 'off' || name === 'false') return { kind: 'off' }
  return {
    kind: 'command',
    argv: splitCommand(value, 'smoke-test'),
    timeoutSeconds
  }
}

export function parseBoolean(
  name: string,
  value: string,
  fallback: boolean
): boolean {
  if (!value) return fallback
  if (/^(true|yes|on)$/i.test(value)) return true
  if (/^(false|no|off)$/i.test(value)) return false
  throw new ConfigurationError(
    `Input ${name}: "${value}" is not a boolean; expected true or false.`
  )
}

/**
 * Index URLs often carry a token: each is masked before anything else can
 * print it, and errors never repeat the value.
 */
function parseIndexUrls(name: string, value: string): string[] {
  const urls = value.split(/\s+/).filter(Boolean)
  urls.forEach(url => core.setSecret(url))
  if (name === 'index-url' && urls.length > 1) {
    throw new ConfigurationError(
      `Input ${name} holds ${urls.length} URLs; expected one. Put the ` +
        'others in extra-index-url.'
    )
  }
  urls.forEach((url, index) => checkIndexUrl(name, url, index))
  return urls
}

function checkIndexUrl(name: string, url: string, index: number) {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    throw new ConfigurationError(
      `Input ${name}: URL number ${index + 1} is not an http(s) URL ` +
        '(not shown: it may hold a token); expected e.g. ' +
        'https://user:token@pypi.example.com/simple.'
    )
  }
  if (parsed.password) core.setSecret(decodeURIComponent(parsed.password))
}

function parseCaCertificates(value: string): string | undefined {
  if (!value) return undefined
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const file = path.resolve(workspace, value)
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ConfigurationError(
      `Input ca-certificates: "${value}" is not a file; expected the path ` +
        'of a PEM bundle such as /etc/ssl/certs/ca-certificates.crt.'
    )
  }
  return file
}
