import { ConfigurationError } from '../errors.js'
import type { PackageManager } from './package-manager.js'
import {
  isTable,
  normalizeName,
  type ProjectFiles,
  requirementName,
  stringAt,
  stringsAt,
  tableAt,
  type TomlTable
} from './project-files.js'
import { projectDependencies } from './pyproject.js'

/**
 * Names of the distributions the image installs, for choosing a server and
 * spotting native libraries. Reads the lock where there is one; otherwise
 * the requirements as written, with what well-known extras bring.
 */
export function runtimeDependencies(
  files: ProjectFiles,
  manager: PackageManager
): Set<string> {
  switch (manager.name) {
    case 'pip':
      return requirementsNames(files, manager.requirements, [
        ...(manager.installsProject ? projectDependencies(files) : [])
      ])
    case 'poetry':
      return poetryMainPackages(files)
    case 'uv':
      return uvRuntimePackages(files)
    case 'pdm':
      return pdmDefaultPackages(files)
    case 'pipenv':
      return pipenvDefaultPackages(files)
    case 'pyproject':
      return namesOf(declaredDependencies(files))
  }
}

// Constraint files are read too: their names are a superset, which is
// harmless for the questions asked of this set.
function requirementsNames(
  files: ProjectFiles,
  all: string[],
  more: string[]
): Set<string> {
  const entries = [...more]
  for (const file of all) {
    for (const line of (files.text(file) ?? '').split('\n')) {
      const entry = line.replace(/(^|\s)#.*$/, '').trim()
      if (entry && !entry.startsWith('-')) entries.push(entry)
    }
  }
  return namesOf(entries)
}

/**
 * Distributions that a well-known extra brings along, for requirements
 * read without a lock. Only what choosing a server needs: a lock file
 * lists every package anyway, so this table stays small on purpose.
 */
const EXTRAS_BRING: Record<string, Record<string, string[]>> = {
  fastapi: {
    standard: ['uvicorn'],
    'standard-no-fastapi-cloud-cli': ['uvicorn'],
    all: ['uvicorn']
  },
  litestar: { standard: ['uvicorn'] }
}

/** Names of PEP 508 requirements, plus what their known extras bring. */
export function namesOf(requirements: string[]): Set<string> {
  const names = new Set<string>()
  for (const requirement of requirements) {
    const name = requirementName(requirement)
    if (!name) continue
    names.add(name)
    for (const extra of extrasOf(requirement)) {
      for (const brought of EXTRAS_BRING[name]?.[extra] ?? []) {
        names.add(brought)
      }
    }
  }
  return names
}

function extrasOf(requirement: string): string[] {
  const list = /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]/.exec(
    requirement
  )?.[1]
  return (list ?? '')
    .split(',')
    .map(extra => normalizeName(extra.trim()))
    .filter(Boolean)
}

function poetryMainPackages(files: ProjectFiles): Set<string> {
  const entries = lockPackages(files, 'poetry.lock', 'poetry lock')
  // Lock format 2.1 lists groups and 1.x a category; 2.0 has neither, so
  // there every locked package counts.
  const marked = entries.some(e => 'groups' in e || 'category' in e)
  const names = new Set<string>()
  for (const entry of entries) {
    const name = stringAt(entry, 'name')
    const main =
      !marked ||
      stringsAt(entry, 'groups').includes('main') ||
      stringAt(entry, 'category') === 'main'
    if (name && main) names.add(normalizeName(name))
  }
  return names
}

/** The `[[package]]` tables of a TOML lock file. */
export function lockPackages(
  files: ProjectFiles,
  lock: string,
  relock: string
): TomlTable[] {
  const table = files.toml(lock, `run \`${relock}\` again`)
  const packages = table?.package
  if (packages !== undefined && !Array.isArray(packages)) {
    throw new ConfigurationError(
      `${lock}: "package" is not an array of tables; expected ` +
        `[[package]] entries, so run \`${relock}\` again.`
    )
  }
  return (packages ?? []).filter(isTable)
}

/**
 * Packages reachable from the workspace's own packages through their
 * dependencies and the extras they ask for, never through dev groups:
 * what `uv sync --no-default-groups` installs, give or take markers.
 */
function uvRuntimePackages(files: ProjectFiles): Set<string> {
  const entries = lockPackages(files, 'uv.lock', 'uv lock')
  const byName = new Map<string, TomlTable>()
  for (const entry of entries) {
    const name = stringAt(entry, 'name')
    if (name) byName.set(normalizeName(name), entry)
  }
  const roots = entries.filter(isWorkspacePackage)
  const reached = new Set<string>()
  const pending: { name: string; extras: string[] }[] = roots.map(root => ({
    name: normalizeName(stringAt(root, 'name') ?? ''),
    extras: []
  }))
  const seen = new Set<string>()
  while (pending.length > 0) {
    const { name, extras } = pending.pop() as (typeof pending)[number]
    const key = `${name}[${extras.join(',')}]`
    if (seen.has(key)) continue
    seen.add(key)
    reached.add(name)
    const entry = byName.get(name)
    const optional = tableAt(entry, 'optional-dependencies')
    const edges = [
      ...uvEdges(entry?.dependencies),
      ...extras.flatMap(extra => uvEdges(optional?.[extra]))
    ]
    pending.push(...edges)
  }
  return reached
}

function isWorkspacePackage(entry: TomlTable): boolean {
  const source = tableAt(entry, 'source')
  return (
    typeof source?.editable === 'string' || typeof source?.virtual === 'string'
  )
}

/** `[{ name = "fastapi", extra = ["standard"] }, …]` as names and extras. */
function uvEdges(value: unknown): { name: string; extras: string[] }[] {
  if (!Array.isArray(value)) return []
  return value.filter(isTable).flatMap(dependency => {
    const name = stringAt(dependency, 'name')
    if (!name) return []
    const extras = stringsAt(dependency, 'extra').map(normalizeName)
    return [{ name: normalizeName(name), extras }]
  })
}

/**
 * Packages of the default group. Locks older than format 4.4 carry no
 * groups per package: there every package counts.
 */
function pdmDefaultPackages(files: ProjectFiles): Set<string> {
  const entries = lockPackages(files, 'pdm.lock', 'pdm lock')
  const marked = entries.some(entry => 'groups' in entry)
  const names = new Set<string>()
  for (const entry of entries) {
    const name = stringAt(entry, 'name')
    const main = !marked || stringsAt(entry, 'groups').includes('default')
    if (name && main) names.add(normalizeName(name))
  }
  return names
}

function pipenvDefaultPackages(files: ProjectFiles): Set<string> {
  const lock = readPipfileLock(files)
  return new Set(Object.keys(lock.default).map(normalizeName))
}

export interface PipfileLock {
  /** Package name → its locked entry. */
  default: Record<string, Record<string, unknown>>
}

/** Pipfile.lock's default section, checked for shape. */
export function readPipfileLock(files: ProjectFiles): PipfileLock {
  const lock = files.jsonObject('Pipfile.lock', 'run `pipenv lock` again')
  const section = lock?.default
  const entries = isTable(section) ? Object.entries(section) : undefined
  if (!entries || !entries.every(([, entry]) => isTable(entry))) {
    throw new ConfigurationError(
      'Pipfile.lock has no "default" object of packages; expected the ' +
        'JSON that `pipenv lock` writes, so run `pipenv lock` again.'
    )
  }
  return { default: Object.fromEntries(entries) as PipfileLock['default'] }
}

/**
 * What a project without a lock declares: PEP 621 dependencies, or
 * setup.cfg's `install_requires`, or the literal list in setup.py's
 * `install_requires=[…]` (read by pattern, not by running setup.py).
 */
function declaredDependencies(files: ProjectFiles): string[] {
  const declared = projectDependencies(files)
  if (declared.length > 0) return declared
  const setupCfg = files.text('setup.cfg')
  if (setupCfg) {
    const block = /^install_requires\s*=([^\n]*(?:\n[ \t]+[^\n]*)*)/m.exec(
      setupCfg
    )?.[1]
    if (block) return block.split('\n').map(line => line.trim())
  }
  const setupPy = files.text('setup.py') ?? ''
  const list = /install_requires\s*=\s*\[([^\]]*)\]/.exec(setupPy)?.[1] ?? ''
  return [...list.matchAll(/["']([^"']+)["']/g)].map(match => match[1])
}
