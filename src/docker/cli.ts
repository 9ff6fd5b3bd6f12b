import * as core from '@actions/core'
import * as exec from '@actions/exec'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { StepFailure } from '../errors.js'

export interface BuildRequest {
  /** Which image this is, for messages: "optimized" or "baseline". */
  role: string
  context: string
  dockerfile: string
  tag: string
  /** BuildKit secrets as id → file; never build args. */
  secrets: Record<string, string>
}

export interface BuiltImage {
  tag: string
  id: string
  seconds: number
}

export interface ImageConfig {
  id: string
  /** The engine's own figure; its meaning differs between image stores. */
  engineSize: number
  user: string
  layers: string[]
}

export interface RunResult {
  exitCode: number
  output: string
}

const LOG_TAIL_LINES = 25

/**
 * The only module that talks to the Docker engine. Every call passes an
 * argument array to the docker CLI: nothing goes through a shell.
 */
export class DockerCli {
  constructor(private readonly binary = 'docker') {}

  async engineVersion(): Promise<string> {
    const result = await this.capture([
      'version',
      '--format',
      '{{.Server.Version}}'
    ])
    if (result.exitCode !== 0) {
      throw new StepFailure(
        'No Docker engine answers (`docker version` failed: ' +
          `${lastLine(result.output)}); start one, or set build: false to ` +
          'only generate the Dockerfile.'
      )
    }
    return result.output.trim()
  }

  async build(request: BuildRequest): Promise<BuiltImage> {
    const scratch = mkdtempSync(path.join(tmpdir(), 'venvship-'))
    const idFile = path.join(scratch, 'image-id')
    const started = Date.now()
    try {
      const args = buildArguments(request, idFile)
      core.debug(`docker ${args.join(' ')}`)
      const result = await this.stream(args)
      if (result.exitCode !== 0) {
        throw new StepFailure(
          `The ${request.role} image failed to build from ` +
            `${request.dockerfile} (exit code ${result.exitCode}). Last ` +
            `lines of the build log:\n${tail(result.output, LOG_TAIL_LINES)}`
        )
      }
      return {
        tag: request.tag,
        id: readFileSync(idFile, 'utf8').trim(),
        seconds: (Date.now() - started) / 1000
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }

  async inspect(image: string): Promise<ImageConfig> {
    const result = await this.capture(['image', 'inspect', image])
    if (result.exitCode !== 0) {
      throw new StepFailure(`Cannot inspect image ${image}: ${result.output}`)
    }
    const [info] = JSON.parse(result.output) as InspectJson[]
    return {
      id: info.Id,
      engineSize: info.Size,
      user: info.Config?.User ?? '',
      layers: info.RootFS?.Layers ?? []
    }
  }

  /** `docker save` as a stream, so an image is never written to disk. */
  save(image: string): { stream: Readable; done: Promise<void> } {
    const child = spawn(this.binary, ['save', image], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let errors = ''
    child.stderr.on('data', chunk => (errors += String(chunk)))
    const done = new Promise<void>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', code =>
        code === 0
          ? resolve()
          : reject(new StepFailure(`docker save ${image} failed: ${errors}`))
      )
    })
    return { stream: child.stdout, done }
  }

  async run(args: string[], timeoutSeconds?: number): Promise<RunResult> {
    return this.capture(['run', ...args], timeoutSeconds)
  }

  async capture(args: string[], timeoutSeconds?: number): Promise<RunResult> {
    const timer = timeoutSeconds
      ? AbortSignal.timeout(timeoutSeconds * 1000)
      : undefined
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        signal: timer
      })
      let output = ''
      child.stdout.on('data', chunk => (output += String(chunk)))
      child.stderr.on('data', chunk => (output += String(chunk)))
      child.on('error', error =>
        error.name === 'AbortError'
          ? resolve({ exitCode: 124, output: output + '\n(timed out)' })
          : reject(error)
      )
      child.on('close', code => resolve({ exitCode: code ?? 1, output }))
    })
  }

  /** Runs docker with its output in the job log, keeping it for errors. */
  private async stream(args: string[]): Promise<RunResult> {
    let output = ''
    const keep = (data: Buffer) => {
      output = (output + data.toString()).slice(-200_000)
    }
    const exitCode = await exec.exec(this.binary, args, {
      ignoreReturnCode: true,
      listeners: { stdout: keep, stderr: keep }
    })
    return { exitCode, output }
  }

  async remove(images: string[]): Promise<void> {
    if (images.length === 0) return
    const result = await this.capture(['image', 'rm', '--force', ...images])
    if (result.exitCode !== 0) {
      core.warning(`Could not remove ${images.join(', ')}: ${result.output}`)
    }
  }
}

interface InspectJson {
  Id: string
  Size: number
  Config?: { User?: string }
  RootFS?: { Layers?: string[] }
}

export function buildArguments(request: BuildRequest, idFile: string) {
  const secrets = Object.entries(request.secrets).flatMap(([id, src]) => [
    '--secret',
    `id=${id},src=${src}`
  ])
  return [
    'buildx',
    'build',
    '--load',
    '--provenance=false',
    '--progress=plain',
    '--file',
    request.dockerfile,
    '--tag',
    request.tag,
    '--iidfile',
    idFile,
    ...secrets,
    request.context
  ]
}

export function tail(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n')
}

function lastLine(text: string): string {
  return tail(text, 1).trim() || 'no output'
}
