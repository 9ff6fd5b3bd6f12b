import type { PackageManager } from '../../detect/package-manager.js'
import type { GenerateOptions } from '../instructions.js'
import type { ImagePair } from '../runtime.js'
import { naivePdmInstall, pdmInstall } from './pdm.js'
import { naivePipInstall, pipInstall } from './pip.js'
import { naivePipenvInstall, pipenvInstall } from './pipenv.js'
import { naivePoetryInstall, poetryInstall } from './poetry.js'
import { naivePyprojectInstall, pyprojectInstall } from './pyproject.js'
import { naiveUvInstall, uvInstall } from './uv.js'

/** The builder steps that fill /app/.venv from the project's lock. */
export function installSteps(
  manager: PackageManager,
  images: ImagePair,
  options: GenerateOptions
): string {
  switch (manager.name) {
    case 'pip':
      return pipInstall(manager, images, options)
    case 'poetry':
      return poetryInstall(manager, images, options)
    case 'uv':
      return uvInstall(manager, images, options)
    case 'pdm':
      return pdmInstall(manager, images, options)
    case 'pipenv':
      return pipenvInstall(manager, images, options)
    case 'pyproject':
      return pyprojectInstall(manager, images, options)
  }
}

/** The naive baseline's install: the tool, dev dependencies and all. */
export function naiveInstallSteps(
  manager: PackageManager,
  options: GenerateOptions
): string {
  switch (manager.name) {
    case 'pip':
      return naivePipInstall(manager, options)
    case 'poetry':
      return naivePoetryInstall(manager, options)
    case 'uv':
      return naiveUvInstall(manager, options)
    case 'pdm':
      return naivePdmInstall(manager, options)
    case 'pipenv':
      return naivePipenvInstall(manager, options)
    case 'pyproject':
      return naivePyprojectInstall(manager, options)
  }
}
