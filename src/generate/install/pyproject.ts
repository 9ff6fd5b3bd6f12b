import type { PyprojectManager } from '../../detect/package-manager.js'
import {
  APP_DIR,
  download,
  type GenerateOptions,
  lines,
  makeVenv,
  naiveRun,
  PIP_CACHE,
  REMOVE_PIP,
  VENV
} from '../instructions.js'
import type { ImagePair } from '../runtime.js'

/**
 * No lock: pip resolves the declared dependencies and builds the project
 * from its source, non-editable, so the venv holds everything it runs.
 */
export function pyprojectInstall(
  manager: PyprojectManager,
  images: ImagePair,
  options: GenerateOptions
): string {
  return lines(
    `# No lock file: pip resolves what ${manager.manifest} declares, so two`,
    '# builds may install different versions.',
    `COPY . ${APP_DIR}`,
    download(
      [
        makeVenv(images, true),
        `${VENV}/bin/pip install --require-virtualenv ${APP_DIR}`,
        REMOVE_PIP
      ],
      PIP_CACHE,
      options
    )
  )
}

/** Naive: the project and its dev extras and groups, in the full image. */
export function naivePyprojectInstall(
  manager: PyprojectManager,
  options: GenerateOptions
): string {
  const target = manager.devExtras.length
    ? `'.[${manager.devExtras.join(',')}]'`
    : '.'
  const groups = manager.devGroups.map(group => ` --group ${group}`).join('')
  // Dependency groups need pip 25.1; older images carry an older pip.
  const upgrade = groups ? ['pip install --upgrade pip'] : []
  return lines(
    `COPY . ${APP_DIR}`,
    naiveRun([...upgrade, `pip install ${target}${groups}`], options)
  )
}
