import type { PdmManager } from '../../detect/package-manager.js'
import {
  APP_DIR,
  bindFile,
  compileBytecode,
  download,
  type GenerateOptions,
  lines,
  makeVenv,
  naiveRun,
  toolVenv,
  VENV
} from '../instructions.js'
import type { ImagePair } from '../runtime.js'

const CACHE = '/root/.cache/pdm'

/**
 * pdm 2.29 imports an API that hishel 2 removed, and pip would pick
 * hishel 2: the constraint keeps the tool working. Drop it once a pdm
 * release that works with hishel 2 is pinned.
 */
function pdmRequirements(manager: PdmManager): string[] {
  return [`pdm==${manager.version}`, "'hishel<2'"]
}

/**
 * PDM uses the venv it finds active (VIRTUAL_ENV), which is ours; a
 * committed .pdm-python naming a developer's interpreter is ignored.
 * `--check` fails on a stale pdm.lock, `--prod` leaves dev groups out.
 */
export function pdmInstall(
  manager: PdmManager,
  images: ImagePair,
  options: GenerateOptions
): string {
  const tool = toolVenv('pdm', pdmRequirements(manager), images, options)
  const install = `${tool.bin} install --check --prod --frozen-lockfile`
  return lines(
    `# PDM ${manager.version} (pdm.lock names no release) lives outside the`,
    '# app: it stays in the builder.',
    tool.install,
    `RUN ${makeVenv(images)}`,
    `ENV VIRTUAL_ENV=${VENV} PDM_IGNORE_SAVED_PYTHON=1 PDM_CHECK_UPDATE=false`,
    '# Fails when pdm.lock is stale; dev groups are left out.',
    download(
      [`${install} --no-self`, compileBytecode(images)],
      CACHE,
      options,
      [bindFile('pyproject.toml'), bindFile('pdm.lock')]
    ),
    manager.installsProject ? `COPY . ${APP_DIR}` : undefined,
    manager.installsProject
      ? download(
          [`${install} --no-editable`, compileBytecode(images)],
          CACHE,
          options
        )
      : undefined
  )
}

/** Naive: pdm from pip in the full image, dev groups included. */
export function naivePdmInstall(
  manager: PdmManager,
  options: GenerateOptions
): string {
  return lines(
    naiveRun([`pip install ${pdmRequirements(manager).join(' ')}`], options),
    `COPY . ${APP_DIR}`,
    naiveRun(['pdm install --frozen-lockfile'], options),
    `ENV PATH="${VENV}/bin:$PATH"`
  )
}
