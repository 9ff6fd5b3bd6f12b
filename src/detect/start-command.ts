import * as core from '@actions/core'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  isShell,
  joinForShell,
  needsShell,
  splitCommandLine
} from '../command-line.js'
import { ConfigurationError } from '../errors.js'
import { type ProjectFiles, tableAt } from './project-files.js'

/** The port a generated server command listens on. */
export const APP_PORT = 8000

export interface StartCommand {
  argv: string[]
  /** What decided it, for the report: an input, a file, a framework. */
  source: string
  /** Set when the command serves HTTP on this port. */
  port?: number
  /** A module the smoke test can import when there is no port. */
  module?: string
  /** A folder of the project to put on PYTHONPATH (a src/ layout). */
  pythonPath?: string
  /**
   * Set when only a shell can run the command (`&&`, `$VAR`, a pipe): argv
   * is then ["/bin/sh", "-c", line], or the user's own shell invocation,
   * and the runtime must have /bin/sh.
   */
  viaShell?: boolean
}

/** The shell that runs a command needing one, in every runtime with one. */
export const SHELL = '/bin/sh'

export function detectStartCommand(
  files: ProjectFiles,
  requested: string[] | undefined,
  dependencies: Set<string>
): StartCommand {
  if (requested) {
    return { ...shellIfNeeded(requested), source: 'input command' }
  }
  const found =
    fromProcfile(files) ??
    fromDjango(files, dependencies) ??
    fromAppObject(files, dependencies) ??
    fromProjectScript(files) ??
    fromMainFile(files)
  if (!found) {
    throw new ConfigurationError(
      `No start command found in ${files.root}: looked for a Procfile web ` +
        'line, a Django, FastAPI or Flask app, a [project.scripts] entry, ' +
        'main.py and app.py. Set command, e.g. command: "python -m myapp".'
    )
  }
  return found
}

function fromProcfile(files: ProjectFiles): StartCommand | undefined {
  const line = files
    .text('Procfile')
    ?.split('\n')
    .find(l => /^web\s*:/.test(l))
  if (!line) return undefined
  // $PORT needs a shell to expand; exec form cannot, so the port is fixed
  // and exported as PORT for apps that read it.
  const text = line
    .replace(/^web\s*:\s*/, '')
    .replace(/\$\{PORT(:-\d+)?\}|\$PORT\b/g, String(APP_PORT))
    .trim()
  const words = splitCommandLine(text, 'Procfile web line')
  const command = needsShell(words)
    ? { argv: [SHELL, '-c', text], port: portOf(words), viaShell: true }
    : shellIfNeeded(words)
  return { ...command, source: 'Procfile web', port: command.port ?? APP_PORT }
}

/**
 * Exec form when the words need no shell; else the words re-joined for
 * /bin/sh -c. A command that already runs a shell is kept as it is.
 */
function shellIfNeeded(
  words: string[]
): Pick<StartCommand, 'argv' | 'port' | 'viaShell'> {
  const port = portOf(words)
  if (isShell(words[0])) return { argv: words, port, viaShell: true }
  if (!needsShell(words)) return { argv: words, port }
  return { argv: [SHELL, '-c', joinForShell(words)], port, viaShell: true }
}

function fromDjango(
  files: ProjectFiles,
  dependencies: Set<string>
): StartCommand | undefined {
  if (!files.has('manage.py')) return undefined
  const settings = findSource(
    files.root,
    /^WSGI_APPLICATION\s*=\s*['"]([\w.]+)['"]/m
  )
  if (!settings) return undefined
  const target = settings.match.replace(/\.(\w+)$/, ':$1')
  requireServer(dependencies, 'gunicorn', 'Django')
  return {
    argv: gunicorn(target),
    source: `Django (${settings.file})`,
    port: APP_PORT
  }
}

const APP_OBJECT =
  /^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:[\w.]+\.)?(FastAPI|Starlette|Flask|Quart)\(/m

function fromAppObject(
  files: ProjectFiles,
  dependencies: Set<string>
): StartCommand | undefined {
  const found = findSource(files.root, APP_OBJECT)
  if (!found) return undefined
  const [, variable, framework] = APP_OBJECT.exec(found.text) ?? []
  const target = `${moduleOf(found.file)}:${variable}`
  const source = `${framework} app in ${found.file}`
  const pythonPath = found.file.startsWith('src/') ? 'src' : undefined
  const served = { source, port: APP_PORT, pythonPath }
  if (framework !== 'Flask') {
    requireServer(dependencies, 'uvicorn', framework)
    return { argv: uvicorn(target), ...served }
  }
  if (dependencies.has('gunicorn')) {
    return { argv: gunicorn(target), ...served }
  }
  core.warning(
    `${found.file}: Flask's own server is not meant for production; add ` +
      'gunicorn to the dependencies or set command.'
  )
  return {
    argv: [
      'python',
      '-m',
      'flask',
      '--app',
      target,
      'run',
      '--host',
      '0.0.0.0',
      '--port',
      String(APP_PORT)
    ],
    ...served
  }
}

function fromProjectScript(files: ProjectFiles): StartCommand | undefined {
  const scripts = tableAt(files.toml('pyproject.toml'), 'project', 'scripts')
  const names = Object.keys(scripts ?? {})
  if (names.length !== 1) return undefined
  const entry = String(scripts?.[names[0]] ?? '')
  return {
    argv: [names[0]],
    source: `[project.scripts] ${names[0]}`,
    module: entry.split(':')[0] || undefined
  }
}

function fromMainFile(files: ProjectFiles): StartCommand | undefined {
  const file = ['main.py', 'app.py'].find(name => files.has(name))
  if (!file) return undefined
  return {
    argv: ['python', file],
    source: file,
    module: moduleOf(file)
  }
}

function requireServer(deps: Set<string>, server: string, framework: string) {
  if (deps.has(server)) return
  throw new ConfigurationError(
    `Found a ${framework} app but ${server} is not among the project's ` +
      `dependencies; add ${server}, or set command to the server you use.`
  )
}

function uvicorn(target: string): string[] {
  return ['uvicorn', target, '--host', '0.0.0.0', '--port', String(APP_PORT)]
}

function gunicorn(target: string): string[] {
  return ['gunicorn', '--bind', `0.0.0.0:${APP_PORT}`, target]
}

/** The port a server command names with --port, --bind or -b. */
export function portOf(argv: string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const inline = /^(?:--port|--bind|-b)=(.+)$/.exec(flag)
    const value =
      inline?.[1] ??
      (/^(--port|--bind|-b|-p)$/.test(flag) ? argv[i + 1] : undefined)
    const port = value && /(?:^|:)(\d{2,5})$/.exec(value)?.[1]
    if (port) return Number(port)
  }
  return undefined
}

/** "app/main.py" → "app.main"; a src/ layout's prefix is dropped. */
export function moduleOf(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/^src\//, '')
    .replace(/(\/__init__)?\.py$/, '')
    .replace(/\//g, '.')
}

const SKIPPED = new Set([
  '.git',
  '.venv',
  'venv',
  'env',
  'node_modules',
  '__pycache__',
  'tests',
  'test',
  'docs',
  'build',
  'dist',
  'site-packages',
  '.tox',
  '.venvship'
])

interface SourceMatch {
  file: string
  text: string
  match: string
}

/**
 * The first Python file, shallowest first and main.py/app.py before their
 * siblings, whose text matches `pattern`.
 */
function findSource(root: string, pattern: RegExp): SourceMatch | undefined {
  for (const file of pythonFiles(root)) {
    const text = readFileSync(path.join(root, file), 'utf8')
    const match = pattern.exec(text)
    if (match) return { file, text, match: match[1] }
  }
  return undefined
}

function pythonFiles(root: string, maxDepth = 4): string[] {
  const found: string[] = []
  let level = ['']
  for (let depth = 0; depth < maxDepth && level.length; depth++) {
    const next: string[] = []
    for (const dir of level) {
      const entries = readdirSync(path.join(root, dir), { withFileTypes: true })
      const sorted = entries.sort(
        (a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name)
      )
      for (const entry of sorted) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name
        if (
          entry.isDirectory() &&
          !SKIPPED.has(entry.name) &&
          !entry.name.startsWith('.')
        )
          next.push(rel)
        else if (entry.isFile() && entry.name.endsWith('.py')) found.push(rel)
      }
    }
    level = next
  }
  return found
}

function rank(name: string): number {
  return ['main.py', 'app.py', 'asgi.py', 'wsgi.py'].includes(name) ? 0 : 1
}
