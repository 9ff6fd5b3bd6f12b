import { DEFAULT_UV_VERSION } from '../detect/package-manager.js'
import type { RuntimeChoice } from '../inputs.js'

/** The Python that Debian 13 and so today's distroless image ship. */
export const DISTROLESS_PYTHON = '3.13'

/**
 * A builder and a runtime image that agree on what a venv depends on:
 * Python minor version, interpreter path, libc and Debian release.
 */
export interface ImagePair {
  kind: 'distroless' | 'standalone' | 'slim' | 'image'
  builder: string
  runtime: string
  /** The interpreter that makes the venv, present at this path in both. */
  python: string
  /** Shell commands that give the builder Python, venv and a compiler. */
  builderSetup: string[]
  /** Shell commands run in the runtime stage, which has a shell. */
  runtimeSetup: string[]
  /** Whether the runtime image has /bin/sh. */
  runtimeHasShell: boolean
  /** Folders copied from the builder to the same path in the runtime. */
  runtimeCopies: string[]
}

export function pairImages(
  choice: RuntimeChoice,
  pythonVersion: string
): ImagePair {
  const kind =
    choice.kind === 'auto'
      ? pythonVersion === DISTROLESS_PYTHON
        ? 'distroless'
        : 'slim'
      : choice.kind
  if (kind === 'distroless') {
    return pythonVersion === DISTROLESS_PYTHON
      ? distroless()
      : standalone(pythonVersion)
  }
  if (kind === 'slim') return slim(pythonVersion)
  return custom(choice.kind === 'image' ? choice.image : '')
}

function distroless(): ImagePair {
  return {
    kind: 'distroless',
    // Debian 13's own python3 lives at /usr/bin/python3, exactly where
    // the distroless image has it.
    builder: 'debian:13-slim',
    runtime: 'gcr.io/distroless/python3-debian13:nonroot',
    python: '/usr/bin/python3',
    builderSetup: [
      'rm -f /etc/apt/apt.conf.d/docker-clean',
      'apt-get update',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y ' +
        '--no-install-recommends python3 python3-venv python3-dev gcc ' +
        'libc6-dev'
    ],
    runtimeSetup: [],
    runtimeHasShell: false,
    runtimeCopies: []
  }
}

const STANDALONE_DIR = '/opt/python'

/**
 * Any other Python on distroless: a relocatable standalone CPython (what
 * `uv python install` fetches) in /opt/python, copied with the venv onto
 * the C/C++ base. It needs a network that reaches the CPython builds.
 */
function standalone(pythonVersion: string): ImagePair {
  const uv = `/opt/uv/bin/uv`
  return {
    kind: 'standalone',
    builder: 'debian:13-slim',
    runtime: 'gcr.io/distroless/cc-debian13:nonroot',
    // A fixed link, so that the venv's path does not name a patch release.
    python: `${STANDALONE_DIR}/python3`,
    builderSetup: [
      'rm -f /etc/apt/apt.conf.d/docker-clean',
      'apt-get update',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y ' +
        '--no-install-recommends ca-certificates python3-venv gcc libc6-dev',
      `python3 -m venv /opt/uv`,
      `/opt/uv/bin/pip install --no-cache-dir uv==${DEFAULT_UV_VERSION}`,
      `export UV_PYTHON_INSTALL_DIR=${STANDALONE_DIR} ` +
        'UV_PYTHON_PREFERENCE=only-managed',
      `${uv} python install ${pythonVersion}`,
      `ln -s "$(${uv} python find --no-project ${pythonVersion})" ` +
        `${STANDALONE_DIR}/python3`
    ],
    runtimeSetup: [],
    runtimeHasShell: false,
    runtimeCopies: [STANDALONE_DIR]
  }
}

function slim(pythonVersion: string): ImagePair {
  // The full image brings compilers; it shares /usr/local/bin/python3 and
  // the Debian release with its -slim sibling.
  return {
    kind: 'slim',
    builder: `python:${pythonVersion}`,
    runtime: `python:${pythonVersion}-slim`,
    python: '/usr/local/bin/python3',
    builderSetup: [],
    runtimeSetup: [NONROOT_USER],
    runtimeHasShell: true,
    runtimeCopies: []
  }
}

function custom(image: string): ImagePair {
  // Nothing is known about a user's image, so it builds its own venv:
  // then interpreter and libraries match by construction.
  return {
    kind: 'image',
    builder: image,
    runtime: image,
    python: 'python3',
    builderSetup: [],
    runtimeSetup: [],
    runtimeHasShell: true,
    runtimeCopies: []
  }
}

const NONROOT_USER =
  'useradd --system --uid 65532 --user-group --no-create-home nonroot'
