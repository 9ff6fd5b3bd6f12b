import {
  isTable,
  type ProjectFiles,
  stringsAt,
  tableAt,
  type TomlTable
} from './project-files.js'

/** What pyproject.toml says about how the project builds and installs. */

export function pyproject(files: ProjectFiles): TomlTable | undefined {
  return files.toml('pyproject.toml')
}

export function hasBuildSystem(files: ProjectFiles): boolean {
  return tableAt(pyproject(files), 'build-system') !== undefined
}

/** pip can build it: a PEP 517 pyproject.toml, or a legacy setup.py. */
export function isInstallablePackage(files: ProjectFiles): boolean {
  return hasBuildSystem(files) || files.has('setup.py')
}

/** Names of the console scripts `[project.scripts]` declares. */
export function scriptNames(files: ProjectFiles): string[] {
  return Object.keys(tableAt(pyproject(files), 'project', 'scripts') ?? {})
}

/** PEP 621 `[project] dependencies`, as written. */
export function projectDependencies(files: ProjectFiles): string[] {
  return stringsAt(tableAt(pyproject(files), 'project'), 'dependencies')
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * PEP 735 groups and `[project.optional-dependencies]` extras that hold dev
 * tools: what a naive image installs too. Only plain names are returned,
 * since they end up on a command line in a Dockerfile.
 */
export function devSelections(files: ProjectFiles): {
  groups: string[]
  extras: string[]
} {
  const table = pyproject(files)
  const isDev = (name: string) => DEV_NAMES.has(name) && NAME.test(name)
  return {
    groups: Object.keys(tableAt(table, 'dependency-groups') ?? {}).filter(
      isDev
    ),
    extras: Object.keys(
      tableAt(table, 'project', 'optional-dependencies') ?? {}
    ).filter(isDev)
  }
}

const DEV_NAMES = new Set(['dev', 'test', 'tests', 'testing', 'lint'])

/**
 * The tool whose own section in pyproject.toml says the project is managed
 * with a lock file, or undefined. pdm-backend's build settings
 * (`[tool.pdm.build]`, `[tool.pdm.version]`) and uv_build's
 * (`[tool.uv.build-backend]`) do not count: they configure a build backend,
 * not a lock.
 */
export function lockingTool(
  files: ProjectFiles
): 'poetry' | 'uv' | 'pdm' | undefined {
  const tool = tableAt(pyproject(files), 'tool')
  if (isTable(tool?.poetry)) return 'poetry'
  if (hasOwnSettings(tool?.uv, ['build-backend'])) return 'uv'
  if (hasOwnSettings(tool?.pdm, ['build', 'version'])) return 'pdm'
  return undefined
}

function hasOwnSettings(table: unknown, backendKeys: string[]): boolean {
  return (
    isTable(table) && Object.keys(table).some(key => !backendKeys.includes(key))
  )
}
