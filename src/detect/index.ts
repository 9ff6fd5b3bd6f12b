import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Settings } from '../inputs.js'
import {
  detectPackageManager,
  type PackageManager,
  runtimeDependencies,
  withProjectInstall
} from './package-manager.js'
import { ProjectFiles } from './project-files.js'
import { detectPythonVersion, type PythonVersion } from './python-version.js'
import { detectStartCommand, type StartCommand } from './start-command.js'

export type { PackageManager, PythonVersion, StartCommand }

/** What venvship learned about the project, and from where. */
export interface Project {
  root: string
  packageManager: PackageManager
  python: PythonVersion
  command: StartCommand
  /** Normalised names of the distributions the image installs. */
  dependencies: string[]
  /** The project's own Dockerfile, when it has one at its root. */
  dockerfile?: string
  /** The project's own .dockerignore, merged into the generated one. */
  dockerignore?: string
}

type DetectionSettings = Pick<
  Settings,
  'workingDirectory' | 'packageManager' | 'pythonVersion' | 'command'
>

export function detectProject(settings: DetectionSettings): Project {
  const files = new ProjectFiles(settings.workingDirectory)
  // The version first: a broken pyproject.toml met there is reported with
  // the input that bypasses reading it.
  const python = detectPythonVersion(files, settings.pythonVersion)
  const detected = detectPackageManager(files, settings.packageManager)
  const dependencies = runtimeDependencies(files, detected)
  const command = detectStartCommand(files, settings.command, dependencies)
  const packageManager = withProjectInstall(files, detected, command)
  const dockerfile = path.join(files.root, 'Dockerfile')
  return {
    root: files.root,
    packageManager,
    python,
    command,
    dependencies: [
      ...(packageManager === detected
        ? dependencies
        : runtimeDependencies(files, packageManager))
    ].sort(),
    dockerfile: existsSync(dockerfile) ? dockerfile : undefined,
    dockerignore: files.text('.dockerignore')
  }
}
