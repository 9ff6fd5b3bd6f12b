import type { UvManager } from '../../detect/package-manager.js'
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

const CACHE = '/root/.cache/uv'

/**
 * Dependencies from the bind-mounted lock, then the project from its
 * source. `--locked` fails on a stale uv.lock, and dev groups stay out.
 */
export function uvInstall(
  manager: UvManager,
  images: ImagePair,
  options: GenerateOptions
): string {
  const tool = toolVenv('uv', [`uv==${manager.version}`], images, options)
  // --locked fails on a stale lock, --frozen trusts it as it is.
  const sync = (lock: '--locked' | '--frozen') =>
    `${tool.bin} sync ${lock} ${withoutDevFlag(manager.version)}`
  const members = manager.workspace ? ' --all-packages' : ''
  return lines(
    `# uv ${manager.version}, pinned by ${manager.pinnedBy}, lives outside`,
    '# the app: it stays in the builder.',
    tool.install,
    // uv syncs into this venv as long as its interpreter is UV_PYTHON.
    `RUN ${makeVenv(images)}`,
    `ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0 \\`,
    `    UV_PYTHON=${images.python} UV_PROJECT_ENVIRONMENT=${VENV}`,
    '# Fails when uv.lock is stale; dev groups are left out.',
    manager.workspace
      ? workspaceDependencies(sync, options)
      : download([`${sync('--locked')} --no-install-project`], CACHE, options, [
          bindFile('pyproject.toml'),
          bindFile('uv.lock')
        ]),
    manager.installsProject ? `COPY . ${APP_DIR}` : undefined,
    manager.installsProject
      ? download(
          [`${sync('--locked')} --no-editable${members}`],
          CACHE,
          options
        )
      : undefined
  )
}

/**
 * `--no-default-groups` (uv 0.5.23 and later) leaves out every default
 * group, not only dev; a project pinned to an older uv gets `--no-dev`.
 */
export function withoutDevFlag(version: string): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number)
  const recent = major > 0 || minor > 5 || (minor === 5 && patch >= 23)
  return recent ? '--no-default-groups' : '--no-dev'
}

// Checking a workspace's lock needs every member's pyproject.toml, which
// are not mounted yet: this step trusts the lock (--frozen), and the next
// one, with the whole source, fails when it is stale (--locked).
function workspaceDependencies(
  sync: (lock: '--frozen') => string,
  options: GenerateOptions
) {
  return download(
    [`${sync('--frozen')} --no-install-workspace --all-packages`],
    CACHE,
    options,
    [bindFile('pyproject.toml'), bindFile('uv.lock')]
  )
}

/** Naive: uv from pip in the full image, every group, source included. */
export function naiveUvInstall(
  manager: UvManager,
  options: GenerateOptions
): string {
  const members = manager.workspace ? ' --all-packages' : ''
  return lines(
    naiveRun([`pip install uv==${manager.version}`], options),
    `COPY . ${APP_DIR}`,
    naiveRun([`uv sync --locked${members}`], options),
    `ENV PATH="${VENV}/bin:$PATH"`
  )
}
