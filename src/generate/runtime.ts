import { ConfigurationError } from '../errors.js'
import type { RuntimeChoice } from '../inputs.js'

/** The Python that Debian 13 and so today's distroless image ship. */
export const DISTROLESS_PYTHON = '3.13'

/**
 * A builder and a runtime image that agree on what a venv depends on:
 * Python minor version, interpreter path, libc and Debian release.
 */
export interface ImagePair {
  kind: 'distroless' | 'slim' | 'image'
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
  if (kind === 'distroless') return distroless(pythonVersion)
  if (kind === 'slim') return slim(pythonVersion)
  return custom(choice.kind === 'image' ? choice.image : '')
}

function distroless(pythonVersion: string): ImagePair {
  if (pythonVersion !== DISTROLESS_PYTHON) {
    throw new ConfigurationError(
      `Input runtime: distroless ships Python ${DISTROLESS_PYTHON}, but ` +
        `the project needs ${pythonVersion}; set runtime: slim, or ` +
        `python-version: ${DISTROLESS_PYTHON}.`
    )
  }
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
    runtimeHasShell: false
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
    runtimeHasShell: true
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
    runtimeHasShell: true
  }
}

const NONROOT_USER =
  'useradd --system --uid 65532 --user-group --no-create-home nonroot'
