import type { ImagePair } from './runtime.js'

/** Where the project lives in both stages; the venv sits inside it. */
export const APP_DIR = '/app'
export const VENV = `${APP_DIR}/.venv`
export const CA_SECRET_ID = 'ca-certificates'
const CA_FILE = `/run/secrets/${CA_SECRET_ID}`

export const INDEX_URL_SECRET_ID = 'index-url'
export const EXTRA_INDEX_URLS_SECRET_ID = 'extra-index-urls'

export interface GenerateOptions {
  /** Mount a CA bundle secret into every step that downloads. */
  caCertificates: boolean
  /** Mount the private index URL secret into every step that downloads. */
  indexUrl?: boolean
  /** Mount the extra index URLs secret likewise. */
  extraIndexUrls?: boolean
}

/** ["a", "b"]: the exec form, which needs no shell in the image. */
export function execForm(argv: string[]): string {
  return `[${argv.map(word => JSON.stringify(word)).join(', ')}]`
}

/** A RUN instruction with BuildKit mounts, one command per line. */
export function run(
  commands: string[],
  mounts: string[],
  options?: GenerateOptions
): string {
  const prefix = options ? secretExports(options) : []
  const body = [...prefix, ...commands].join(' \\\n && ')
  const flags = mounts.map(m => `--mount=${m} \\\n    `).join('')
  return `RUN ${flags}${body}`
}

/** A RUN that downloads: a cache mount, the CA secret when asked for. */
export function download(
  commands: string[],
  cache: string,
  options: GenerateOptions,
  mounts: string[] = []
): string {
  return run(
    commands,
    [cacheMount(cache), ...mounts, ...secretMounts(options)],
    options
  )
}

export function cacheMount(target: string): string {
  return `type=cache,target=${target}`
}

export const PIP_CACHE = '/root/.cache/pip'

export function secretMounts(options: GenerateOptions): string[] {
  return secretIds(options).map(id => `type=secret,id=${id},required=true`)
}

function secretIds(options: GenerateOptions): string[] {
  return [
    options.caCertificates ? CA_SECRET_ID : undefined,
    options.indexUrl ? INDEX_URL_SECRET_ID : undefined,
    options.extraIndexUrls ? EXTRA_INDEX_URLS_SECRET_ID : undefined
  ].filter((id): id is string => id !== undefined)
}

// Each client reads its own variable. Secrets stay in /run/secrets for the
// one step: never in an ARG, an ENV or a layer.
function secretExports(options: GenerateOptions): string[] {
  const exports: string[] = []
  if (options.caCertificates) {
    exports.push(
      `export SSL_CERT_FILE=${CA_FILE} PIP_CERT=${CA_FILE} ` +
        `REQUESTS_CA_BUNDLE=${CA_FILE}`
    )
  }
  if (options.indexUrl) {
    exports.push(
      `export PIP_INDEX_URL="$(cat /run/secrets/${INDEX_URL_SECRET_ID})"`,
      'export UV_DEFAULT_INDEX="$PIP_INDEX_URL" ' +
        'PDM_PYPI_URL="$PIP_INDEX_URL" PIPENV_PYPI_MIRROR="$PIP_INDEX_URL"'
    )
  }
  if (options.extraIndexUrls) {
    exports.push(
      'export PIP_EXTRA_INDEX_URL=' +
        `"$(cat /run/secrets/${EXTRA_INDEX_URLS_SECRET_ID})"`,
      'export UV_INDEX="$PIP_EXTRA_INDEX_URL"'
    )
  }
  return exports
}

/** A project file mounted read-only where the install expects it. */
export function bindFile(file: string): string {
  return `type=bind,source=${file},target=${APP_DIR}/${file}`
}

/**
 * Package managers live in venvs of their own here: they stay in the
 * builder, and their dependencies never mix with the app's. A folder of
 * ours, so that no image's own /opt/<tool> is overwritten.
 */
export const TOOLS_DIR = '/opt/venvship-tools'

/** A package manager's venv under TOOLS_DIR, and its program. */
export function toolVenv(
  tool: string,
  requirements: string[],
  images: ImagePair,
  options: GenerateOptions
): { install: string; bin: string } {
  const home = `${TOOLS_DIR}/${tool}`
  return {
    install: download(
      [
        `${images.python} -m venv ${home}`,
        `${home}/bin/pip install ${requirements.join(' ')}`
      ],
      PIP_CACHE,
      options
    ),
    bin: `${home}/bin/${tool}`
  }
}

/** The app's venv, made by the paired interpreter at the shared path. */
export function makeVenv(images: ImagePair, withPip = false): string {
  const flag = withPip ? '' : '--without-pip '
  return `${images.python} -m venv ${flag}${VENV}`
}

// pip and uv compile what they install; Poetry and PDM do not. Without
// bytecode every start recompiles, and the runtime's non-root user cannot
// cache it.
export function compileBytecode(images: ImagePair): string {
  return `${images.python} -m compileall -q -j 0 ${VENV}/lib`
}

/** The runtime never installs anything: pip is dead weight there. */
export const REMOVE_PIP = `${VENV}/bin/pip uninstall --yes pip`

export function lines(...parts: (string | undefined)[]): string {
  return parts.filter(p => p !== undefined).join('\n')
}

export function joinSections(sections: string[]): string {
  return sections.join('\n\n') + '\n'
}

/** A RUN of the naive baseline: no cache mount, the CA secret if asked. */
export function naiveRun(commands: string[], options: GenerateOptions): string {
  return run(commands, secretMounts(options), options)
}
