import * as core from '@actions/core'
import path from 'node:path'
import { ConfigurationError } from '../errors.js'
import type { PackageManagerName } from '../inputs.js'
import { lockPackages, readPipfileLock } from './dependencies.js'
import {
  isTable,
  type ProjectFiles,
  stringAt,
  stringsAt,
  tableAt
} from './project-files.js'
import {
  devSelections,
  hasBuildSystem,
  isInstallablePackage,
  lockingTool,
  pyproject,
  scriptNames
} from './pyproject.js'
import type { StartCommand } from './start-command.js'
import { admitsVersion } from './version-constraint.js'

export { runtimeDependencies } from './dependencies.js'

export type PackageManager =
  | PipManager
  | PoetryManager
  | UvManager
  | PdmManager
  | PipenvManager
  | PyprojectManager

export interface PipManager {
  name: 'pip'
  /** Requirement files the image installs, in order. */
  requirements: string[]
  /** What a naive image would also install: dev requirement files. */
  devRequirements: string[]
  /**
   * Set when the folder is a package whose [project.scripts] entry is the
   * start command: the script exists only once the project is installed.
   */
  installsProject?: boolean
}

export interface PoetryManager {
  name: 'poetry'
  /** The Poetry release that wrote the lock file, pinned in the build. */
  version: string
  /** false when `package-mode = false`: only dependencies install. */
  installsProject: boolean
}

export interface UvManager {
  name: 'uv'
  /** The uv release the build installs. */
  version: string
  /** Where that version comes from, for the Dockerfile's comment. */
  pinnedBy: string
  /** false for a virtual project (no build system): dependencies only. */
  installsProject: boolean
  /** uv.lock names several workspace members: all of them install. */
  workspace: boolean
}

export interface PdmManager {
  name: 'pdm'
  /** The PDM release the build installs: pdm.lock does not name one. */
  version: string
  /** false for `distribution = false`: only dependencies install. */
  installsProject: boolean
}

export interface PipenvManager {
  name: 'pipenv'
  /** The Pipenv release the build installs: Pipfile.lock names none. */
  version: string
  /**
   * Pipfile.lock installs a package from a path in the project (`-e .`),
   * so the source must be there before the install.
   */
  localPackages: boolean
}

export interface PyprojectManager {
  name: 'pyproject'
  /** The file that describes the package: pip builds it with `pip install .` */
  manifest: 'pyproject.toml' | 'setup.py'
  /** PEP 735 dev groups and dev extras: what a naive image also installs. */
  devGroups: string[]
  devExtras: string[]
}

export const DEFAULT_POETRY_VERSION = '2.2.1'
/** Current releases on PyPI when venvship last checked; bump deliberately. */
export const DEFAULT_UV_VERSION = '0.13.9'
export const DEFAULT_PDM_VERSION = '2.29.4'
export const DEFAULT_PIPENV_VERSION = '2026.10.3'

/** Lock files, in the order they win, and the command that writes each. */
const LOCKS: {
  manager: PackageManagerName
  lock: string
  manifest: string
  relock: string
}[] = [
  {
    manager: 'uv',
    lock: 'uv.lock',
    manifest: 'pyproject.toml',
    relock: 'uv lock'
  },
  {
    manager: 'poetry',
    lock: 'poetry.lock',
    manifest: 'pyproject.toml',
    relock: 'poetry lock'
  },
  {
    manager: 'pdm',
    lock: 'pdm.lock',
    manifest: 'pyproject.toml',
    relock: 'pdm lock'
  },
  {
    manager: 'pipenv',
    lock: 'Pipfile.lock',
    manifest: 'Pipfile',
    relock: 'pipenv lock'
  }
]

const READERS: Record<
  PackageManagerName,
  (files: ProjectFiles) => PackageManager
> = {
  pip: readPip,
  poetry: readPoetry,
  uv: readUv,
  pdm: readPdm,
  pipenv: readPipenv,
  pyproject: readPyproject
}

export function detectPackageManager(
  files: ProjectFiles,
  requested: PackageManagerName | 'auto'
): PackageManager {
  const name = requested === 'auto' ? pickManager(files) : requested
  return READERS[name](files)
}

/**
 * Lock files first, then requirements.txt, then a package without a lock.
 * A manifest whose tool keeps a lock, but no lock, is refused: installing
 * it without one would silently drop what the team pinned.
 */
function pickManager(files: ProjectFiles): PackageManagerName {
  const found = [
    ...LOCKS.filter(l => isFile(files, l.lock)),
    ...(isFile(files, 'requirements.txt')
      ? [{ manager: 'pip' as const, lock: 'requirements.txt' }]
      : [])
  ]
  if (found.length > 1) {
    core.warning(
      `Several package managers match in ${files.root} ` +
        `(${found.map(f => f.lock).join(', ')}); using ` +
        `${found[0].manager} (${found[0].lock}). Set package-manager to ` +
        'choose another.'
    )
  }
  if (found.length > 0) return found[0].manager
  refuseUnlocked(files)
  if (isUnlockedPackage(files)) return 'pyproject'
  throw new ConfigurationError(
    `No Python project found in ${files.root}: looked for uv.lock, ` +
      'poetry.lock, pdm.lock, Pipfile.lock, requirements.txt, ' +
      'pyproject.toml, setup.py and setup.cfg. Set working-directory to ' +
      'the folder that holds them.'
  )
}

function refuseUnlocked(files: ProjectFiles): void {
  if (isFile(files, 'Pipfile')) {
    throw new ConfigurationError(
      `${files.root} has a Pipfile but no Pipfile.lock; run \`pipenv lock\` ` +
        'and commit Pipfile.lock.'
    )
  }
  const tool = lockingTool(files)
  if (!tool) return
  const lock = LOCKS.find(l => l.manager === tool) as (typeof LOCKS)[number]
  throw new ConfigurationError(
    `pyproject.toml has [tool.${tool}] but ${files.root} has no ` +
      `${lock.lock}; run \`${lock.relock}\` and commit ${lock.lock}, or set ` +
      'package-manager: pyproject to install it with pip without a lock.'
  )
}

function isUnlockedPackage(files: ProjectFiles): boolean {
  const table = pyproject(files)
  const declares = isTable(table?.project) || isTable(table?.['build-system'])
  return declares || isFile(files, 'setup.py') || isFile(files, 'setup.cfg')
}

/** Stops early when the lock or the manifest beside it is missing. */
function requireLock(files: ProjectFiles, manager: PackageManagerName) {
  const { lock, manifest, relock } = LOCKS.find(
    l => l.manager === manager
  ) as (typeof LOCKS)[number]
  for (const file of [lock, manifest]) {
    if (isFile(files, file)) continue
    throw new ConfigurationError(
      `package-manager is ${manager} but ${files.root} lacks ${file}; ` +
        (file === lock
          ? `run \`${relock}\` and commit ${lock}.`
          : `${manager} installs from ${manifest} and ${lock}: commit both.`)
    )
  }
}

function isFile(files: ProjectFiles, name: string): boolean {
  return files.text(name) !== undefined
}

function readPip(files: ProjectFiles): PipManager {
  if (!files.has('requirements.txt')) {
    throw new ConfigurationError(
      `package-manager is pip but ${files.root} has no requirements.txt; ` +
        'expected a requirements.txt at the project root.'
    )
  }
  const devRequirements = ['requirements-dev.txt', 'dev-requirements.txt']
  return {
    name: 'pip',
    requirements: requirementFiles(files, 'requirements.txt'),
    devRequirements: devRequirements.filter(f => files.has(f))
  }
}

const INCLUDE = /^(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)/

/** A requirements file and every file it includes with -r or -c. */
function requirementFiles(files: ProjectFiles, root: string): string[] {
  const found = [root]
  for (let i = 0; i < found.length; i++) {
    const dir = path.posix.dirname(found[i])
    for (const line of (files.text(found[i]) ?? '').split('\n')) {
      const include = INCLUDE.exec(line.trim())?.[1]
      if (!include) continue
      const file = path.posix.isAbsolute(include)
        ? include
        : path.posix.normalize(path.posix.join(dir, include))
      checkIncludedFile(files, found[i], file)
      if (!found.includes(file)) found.push(file)
    }
  }
  return found
}

function checkIncludedFile(files: ProjectFiles, from: string, file: string) {
  const outside =
    file === '..' || file.startsWith('../') || path.posix.isAbsolute(file)
  if (outside || !/^[\w./-]+$/.test(file)) {
    throw new ConfigurationError(
      `${from} includes "${file}", which is outside the project or has ` +
        'unusual characters; expected a relative path inside the project.'
    )
  }
  if (files.text(file) === undefined) {
    throw new ConfigurationError(
      `${from} includes "${file}", which is not a file in ${files.root}.`
    )
  }
}

function readPoetry(files: ProjectFiles): PoetryManager {
  requireLock(files, 'poetry')
  const lock = files.text('poetry.lock') ?? ''
  const poetry = tableAt(pyproject(files), 'tool', 'poetry')
  return {
    name: 'poetry',
    version: poetryLockVersion(lock) ?? DEFAULT_POETRY_VERSION,
    installsProject: poetry?.['package-mode'] !== false
  }
}

/** "# This file is automatically @generated by Poetry 2.1.3 and …" */
export function poetryLockVersion(lock: string): string | undefined {
  return /@generated by Poetry (\d+\.\d+(?:\.\d+)?)/.exec(lock)?.[1]
}

function readUv(files: ProjectFiles): UvManager {
  requireLock(files, 'uv')
  const lock = files.toml('uv.lock', 'run `uv lock` again')
  const members = stringsAt(tableAt(lock, 'manifest'), 'members')
  const root = lockPackages(files, 'uv.lock', 'uv lock').find(entry => {
    const source = tableAt(entry, 'source')
    return source?.editable === '.' || source?.virtual === '.'
  })
  const workspace = members.length > 1
  return {
    name: 'uv',
    ...uvVersion(files),
    // uv.lock records what uv decided: an editable source is a package
    // that installs, a virtual one is not built.
    installsProject:
      workspace || typeof tableAt(root, 'source')?.editable === 'string',
    workspace
  }
}

const EXACT_VERSION = /^\s*(?:===?)?\s*v?(\d+(?:\.\d+){1,3})\s*$/

/** uv.toml wins over pyproject.toml, as it does for uv itself. */
function uvVersion(files: ProjectFiles): { version: string; pinnedBy: string } {
  const sources = [
    { file: 'uv.toml', table: files.toml('uv.toml', 'set package-manager') },
    { file: 'pyproject.toml', table: tableAt(pyproject(files), 'tool', 'uv') }
  ]
  const found = sources.find(s => stringAt(s.table, 'required-version'))
  const required = stringAt(found?.table, 'required-version')
  if (!found || !required) {
    return { version: DEFAULT_UV_VERSION, pinnedBy: 'venvship' }
  }
  const where = `${found.file} required-version`
  const exact = EXACT_VERSION.exec(required)?.[1]
  if (exact) return { version: exact, pinnedBy: where }
  if (!admitsUvDefault(required, where)) {
    throw new ConfigurationError(
      `${where}: "${required}" does not admit uv ${DEFAULT_UV_VERSION}, ` +
        'which venvship installs when no release is pinned; pin one, e.g. ' +
        `required-version = "==${DEFAULT_UV_VERSION}".`
    )
  }
  return { version: DEFAULT_UV_VERSION, pinnedBy: 'venvship' }
}

function admitsUvDefault(required: string, where: string): boolean {
  try {
    return admitsVersion(required, DEFAULT_UV_VERSION)
  } catch (error) {
    throw new ConfigurationError(
      `${where}: "${required}" is not a version specifier ` +
        `(${(error as Error).message}); expected e.g. ` +
        `"==${DEFAULT_UV_VERSION}" or ">=0.5".`
    )
  }
}

function readPdm(files: ProjectFiles): PdmManager {
  requireLock(files, 'pdm')
  // Read now, so that a broken lock is named before any build starts.
  lockPackages(files, 'pdm.lock', 'pdm lock')
  return {
    name: 'pdm',
    version: DEFAULT_PDM_VERSION,
    installsProject: pdmIsDistribution(files)
  }
}

/** PDM's own rule: a named project is a library unless it says otherwise. */
function pdmIsDistribution(files: ProjectFiles): boolean {
  const table = pyproject(files)
  if (!stringAt(tableAt(table, 'project'), 'name')) return false
  const settings = tableAt(table, 'tool', 'pdm')
  const packageType = settings?.['package-type']
  if (packageType !== undefined) return packageType === 'library'
  return settings?.distribution !== false
}

function readPipenv(files: ProjectFiles): PipenvManager {
  requireLock(files, 'pipenv')
  files.toml('Pipfile', 'run `pipenv lock` again')
  const lock = readPipfileLock(files)
  const local = Object.values(lock.default).some(
    entry => typeof entry.path === 'string' || typeof entry.file === 'string'
  )
  return {
    name: 'pipenv',
    version: DEFAULT_PIPENV_VERSION,
    localPackages: local
  }
}

function readPyproject(files: ProjectFiles): PyprojectManager {
  const manifest =
    hasBuildSystem(files) || !isFile(files, 'setup.py')
      ? 'pyproject.toml'
      : 'setup.py'
  if (!isFile(files, manifest)) {
    throw new ConfigurationError(
      `package-manager is pyproject but ${files.root} has neither a ` +
        'pyproject.toml nor a setup.py; pip needs one of them to build the ' +
        'project (setup.cfg alone is not enough).'
    )
  }
  core.warning(
    `${files.root} has no lock file: ${manifest} installs with ` +
      '`pip install .`, which resolves dependency versions anew at every ' +
      'build, so the image is not reproducible. Commit a lock (uv.lock, ' +
      'poetry.lock, pdm.lock) or a pinned requirements.txt.'
  )
  const dev = devSelections(files)
  return {
    name: 'pyproject',
    manifest,
    devGroups: dev.groups,
    devExtras: dev.extras
  }
}

/**
 * pip installs requirements only; when the start command is a script of
 * the project itself, the project must install too, or the script is
 * missing from the venv.
 */
export function withProjectInstall(
  files: ProjectFiles,
  manager: PackageManager,
  command: StartCommand
): PackageManager {
  if (manager.name !== 'pip' || !isInstallablePackage(files)) return manager
  const script = command.argv[0]
  return scriptNames(files).includes(script)
    ? { ...manager, installsProject: true }
    : manager
}
