import type { PipenvManager } from '../../detect/package-manager.js'
import {
  APP_DIR,
  bindFile,
  download,
  type GenerateOptions,
  lines,
  makeVenv,
  naiveRun,
  toolVenv,
  VENV
} from '../instructions.js'
import type { ImagePair } from '../runtime.js'

const CACHE = '/root/.cache/pipenv'
const ENV = 'PIPENV_VENV_IN_PROJECT=1 PIPENV_NOSPIN=1 PIPENV_YES=1'

/**
 * With the project at /app and PIPENV_VENV_IN_PROJECT, Pipenv installs
 * into /app/.venv, which we made with the paired interpreter; it brings
 * its own pip, so the venv needs none. `--deploy` fails when Pipfile.lock
 * is stale; without `--dev` the dev-packages stay out.
 */
export function pipenvInstall(
  manager: PipenvManager,
  images: ImagePair,
  options: GenerateOptions
): string {
  const tool = toolVenv(
    'pipenv',
    [`pipenv==${manager.version}`],
    images,
    options
  )
  const install = `${tool.bin} install --deploy`
  return lines(
    `# Pipenv ${manager.version} (Pipfile.lock names no release) lives`,
    '# outside the app: it stays in the builder.',
    tool.install,
    `RUN ${makeVenv(images)}`,
    `ENV ${ENV} PIPENV_IGNORE_VIRTUALENVS=1`,
    '# Fails when Pipfile.lock is stale; dev-packages are left out.',
    // A package installed from a path of the project needs the source.
    manager.localPackages ? `COPY . ${APP_DIR}` : undefined,
    download(
      [install],
      CACHE,
      options,
      manager.localPackages
        ? []
        : [bindFile('Pipfile'), bindFile('Pipfile.lock')]
    )
  )
}

/** Naive: pipenv from pip in the full image, dev-packages included. */
export function naivePipenvInstall(
  manager: PipenvManager,
  options: GenerateOptions
): string {
  return lines(
    naiveRun([`pip install pipenv==${manager.version}`], options),
    `COPY . ${APP_DIR}`,
    naiveRun([`${ENV} pipenv install --dev --deploy`], options),
    `ENV PATH="${VENV}/bin:$PATH"`
  )
}
