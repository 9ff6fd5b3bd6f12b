import type { PipManager } from '../../detect/package-manager.js'
import {
  APP_DIR,
  bindFile,
  download,
  type GenerateOptions,
  lines,
  makeVenv,
  PIP_CACHE,
  naiveRun,
  REMOVE_PIP,
  VENV
} from '../instructions.js'
import type { ImagePair } from '../runtime.js'

const PIP = `${VENV}/bin/pip`

/**
 * Requirements first, from bind mounts, so the layer survives source
 * changes; then the project itself when its script is the command.
 */
export function pipInstall(
  manager: PipManager,
  images: ImagePair,
  options: GenerateOptions
): string {
  const requirements = manager.requirements
  const installRequirements = `${PIP} install --require-virtualenv -r ${requirements[0]}`
  if (!manager.installsProject) {
    return lines(
      '# Dependencies only: the source is not needed to install them.',
      download(
        [makeVenv(images, true), installRequirements, REMOVE_PIP],
        PIP_CACHE,
        options,
        requirements.map(bindFile)
      )
    )
  }
  return lines(
    '# Dependencies first: the source is not needed to install them.',
    download(
      [makeVenv(images, true), installRequirements],
      PIP_CACHE,
      options,
      requirements.map(bindFile)
    ),
    '# Then the project, non-editable, for its [project.scripts] command;',
    '# what requirements.txt pinned is already there.',
    `COPY . ${APP_DIR}`,
    download(
      [`${PIP} install --require-virtualenv ${APP_DIR}`, REMOVE_PIP],
      PIP_CACHE,
      options
    )
  )
}

/** What a naive image does: everything, dev requirements too, as root. */
export function naivePipInstall(
  manager: PipManager,
  options: GenerateOptions
): string {
  const files = [
    ...manager.requirements.slice(0, 1),
    ...manager.devRequirements
  ]
  return lines(
    `COPY . ${APP_DIR}`,
    naiveRun(
      [
        `pip install ${files.map(f => `-r ${f}`).join(' ')}` +
          (manager.installsProject ? ' .' : '')
      ],
      options
    )
  )
}
