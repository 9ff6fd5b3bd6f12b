import { ConfigurationError } from '../errors.js'
import { type ProjectFiles, stringAt, tableAt } from './project-files.js'
import { newestAdmittedMinor, SUPPORTED_MINORS } from './version-constraint.js'

/** The Python of today's distroless image: the smallest runtime there is. */
export const DEFAULT_PYTHON = '3.13'

export interface PythonVersion {
  /** major.minor, e.g. "3.13" */
  version: string
  /** What decided it: an input, a file, or the default. */
  source: string
}

type Reader = (files: ProjectFiles) => Found | undefined
interface Found {
  source: string
  /** An exact version ("3.12.4") or a constraint (">=3.11,<3.14"). */
  text: string
}

// A broken TOML file met here is the user's to fix, or to bypass with the
// input that makes reading it unnecessary.
const REMEDY = 'set python-version'

// Order matters: a file that pins a version beats one that constrains it,
// and the project's own declarations beat a platform's conventions.
const READERS: Reader[] = [
  files => exact(files, '.python-version', firstWord),
  files => {
    const project = tableAt(files.toml('pyproject.toml', REMEDY), 'project')
    const text = stringAt(project, 'requires-python')
    return text ? { source: 'pyproject.toml requires-python', text } : undefined
  },
  files => {
    const pyproject = files.toml('pyproject.toml', REMEDY)
    const deps = tableAt(pyproject, 'tool', 'poetry', 'dependencies')
    const text = stringAt(deps, 'python')
    return text ? { source: 'pyproject.toml Poetry python', text } : undefined
  },
  files => {
    const lock = files.toml('uv.lock', REMEDY)
    const text = stringAt(lock, 'requires-python')
    return text ? { source: 'uv.lock requires-python', text } : undefined
  },
  files => exact(files, 'runtime.txt', t => t.replace(/^python-/, '')),
  files => {
    const requires = tableAt(files.toml('Pipfile', REMEDY), 'requires')
    const key = ['python_full_version', 'python_version'].find(k =>
      stringAt(requires, k)
    )
    const text = key ? stringAt(requires, key) : undefined
    return key && text ? { source: `Pipfile ${key}`, text } : undefined
  },
  files => {
    // asdf and mise: "python 3.12.1 3.11.4", the first version wins.
    const line = files
      .text('.tool-versions')
      ?.split('\n')
      .map(l => l.replace(/#.*$/, '').trim())
      .find(l => /^python\s+\S/.test(l))
    const text = line?.split(/\s+/)[1]
    return text ? { source: '.tool-versions', text } : undefined
  }
]

export function detectPythonVersion(
  files: ProjectFiles,
  requested: string | undefined
): PythonVersion {
  if (requested) return { version: requested, source: 'input python-version' }
  for (const read of READERS) {
    const found = read(files)
    if (found) return { version: resolve(found), source: found.source }
  }
  return { version: DEFAULT_PYTHON, source: 'default' }
}

function exact(
  files: ProjectFiles,
  name: string,
  extract: (text: string) => string
): Found | undefined {
  const text = files.text(name)
  if (text === undefined || !text.trim()) return undefined
  return { source: name, text: extract(text.trim()) }
}

function firstWord(text: string): string {
  return text.split(/\s+/)[0]
}

function resolve(found: Found): string {
  const pinned = /^(3\.\d+)(\.\d+)?$/.exec(found.text)
  if (pinned) return pinned[1]
  let minor: string | undefined
  try {
    minor = newestAdmittedMinor(found.text)
  } catch (error) {
    throw new ConfigurationError(
      `${found.source}: "${found.text}" is not a Python version or ` +
        `constraint (${(error as Error).message}); expected e.g. 3.13 or ` +
        '>=3.11,<3.14, or set python-version.'
    )
  }
  if (!minor) {
    throw new ConfigurationError(
      `${found.source}: "${found.text}" admits none of the Python ` +
        `versions venvship builds for (${SUPPORTED_MINORS.join(', ')}); ` +
        'set python-version.'
    )
  }
  return minor
}
