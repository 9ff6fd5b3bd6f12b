import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..')
export const BUNDLE = path.join(REPO_ROOT, 'dist', 'index.js')

export interface ActionRun {
  exitCode: number
  stdout: string
  outputs: Record<string, string>
  summary: string
}

/**
 * Runs the bundled action as a runner does: inputs as INPUT_* variables,
 * outputs and summary written to the files the runner names. Asynchronous,
 * so that servers in the test process keep answering the action.
 */
export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'venvship-e2e-'))
  const outputFile = path.join(scratch, 'output')
  const summaryFile = path.join(scratch, 'summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputEnv = Object.fromEntries(
    Object.entries(withCaBundle(inputs)).map(([k, v]) => [
      `INPUT_${k.toUpperCase()}`,
      v
    ])
  )
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      GITHUB_WORKSPACE: REPO_ROOT,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...inputEnv,
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  child.stdout.on('data', chunk => (stdout += String(chunk)))
  child.stderr.on('data', chunk => (stdout += String(chunk)))
  const exitCode = await new Promise<number>(resolve =>
    child.on('close', code => resolve(code ?? 1))
  )
  return {
    exitCode,
    stdout,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8')
  }
}

// Behind a TLS-inspecting proxy, builds need the host's CA bundle; a
// hosted runner has no such variable and passes nothing.
function withCaBundle(inputs: Record<string, string>) {
  const bundle = process.env.SSL_CERT_FILE
  if (!bundle || !existsSync(bundle) || 'ca-certificates' in inputs) {
    return inputs
  }
  return { 'ca-certificates': bundle, ...inputs }
}

/** Reads the `name<<delimiter … delimiter` blocks @actions/core writes. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const block = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(block)) outputs[match[1]] = match[3]
  return outputs
}

/** Whether a Docker engine answers; under CI a missing one is a failure. */
export function engineAvailable(): boolean {
  const answered =
    spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      encoding: 'utf8'
    }).status === 0
  if (answered) return true
  if (process.env.CI === 'true') {
    throw new Error(
      'No Docker engine answers and CI=true: end-to-end tests must run. ' +
        'Start one with `bash scripts/provision.sh`.'
    )
  }
  console.warn(
    '\n*** No Docker engine answers: SKIPPING the end-to-end tests. ***\n' +
      '*** Run `bash scripts/provision.sh` to start one.              ***\n'
  )
  return false
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
}

/** Runs a shell pipeline: for computations independent of the action. */
export function sh(script: string): string {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
}

/** Python in an optimized image: the venv's, since there is no shell. */
export function pythonIn(image: string, code: string): string {
  return docker(
    'run',
    '--rm',
    '--entrypoint',
    '/app/.venv/bin/python',
    image,
    '-c',
    code
  ).trim()
}

/**
 * Starts the image's own command, fetches / from its port 8000, and asks
 * the running container which user it runs as.
 */
export async function httpAnswer(image: string) {
  const container = docker(
    'run',
    '--detach',
    '--publish',
    '127.0.0.1::8000',
    image
  ).trim()
  try {
    const port = docker('port', container, '8000/tcp').trim().split(':').pop()
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        // The port proxy accepts before the app listens: never wait forever.
        const response = await fetch(`http://127.0.0.1:${port}/`, {
          signal: AbortSignal.timeout(2000)
        })
        const body = await response.text()
        const uid = docker(
          'exec',
          container,
          '/app/.venv/bin/python',
          '-c',
          'import os; print(os.getuid())'
        ).trim()
        return { status: response.status, body, uid }
      } catch {
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    }
    return { status: 0, body: docker('logs', container), uid: '' }
  } finally {
    docker('rm', '--force', container)
  }
}

/** Removes the images a run kept with keep-images, if it got that far. */
export function removeKeptImages(run: ActionRun | undefined): void {
  const images = [
    run?.outputs['optimized-image'],
    run?.outputs['baseline-image']
  ]
  for (const image of images.filter(Boolean)) {
    docker('image', 'rm', '-f', image as string)
  }
}
