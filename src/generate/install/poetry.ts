import type { PoetryManager } from '../../detect/package-manager.js'
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

const CACHE = '/root/.cache/pypoetry'

export function poetryInstall(
  manager: PoetryManager,
  images: ImagePair,
  options: GenerateOptions
): string {
  const tool = toolVenv(
    'poetry',
    [`poetry==${manager.version}`],
    images,
    options
  )
  const install = `${tool.bin} install --only main --no-interaction --no-ansi`
  return lines(
    `# Poetry ${manager.version}, as named in poetry.lock, lives outside`,
    '# the app: it stays in the builder.',
    tool.install,
    // Poetry installs into the active venv, which has no pip to ship.
    `RUN ${makeVenv(images)}`,
    `ENV VIRTUAL_ENV=${VENV}`,
    '# Fails when poetry.lock is stale; dev groups are left out.',
    download(
      [`${install} --no-root`, compileBytecode(images)],
      CACHE,
      options,
      [bindFile('pyproject.toml'), bindFile('poetry.lock')]
    ),
    manager.installsProject ? `COPY . ${APP_DIR}` : undefined,
    manager.installsProject ? download([install], CACHE, options) : undefined
  )
}

export function naivePoetryInstall(
  manager: PoetryManager,
  options: GenerateOptions
): string {
  return lines(
    naiveRun(
      [
        `pip install poetry==${manager.version}`,
        'poetry config virtualenvs.in-project true'
      ],
      options
    ),
    `COPY pyproject.toml poetry.lock ${APP_DIR}/`,
    naiveRun(['poetry install --no-root --no-interaction'], options),
    `COPY . ${APP_DIR}`,
    manager.installsProject
      ? naiveRun(['poetry install --no-interaction'], options)
      : undefined,
    `ENV PATH="${VENV}/bin:$PATH"`
  )
}
