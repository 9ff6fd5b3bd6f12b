import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import type { StartCommand } from '../detect/index.js'
import { StepFailure } from '../errors.js'
import type { SmokeTest } from '../inputs.js'
import { type DockerCli, tail } from './cli.js'
import { VENV } from '../generate/dockerfile.js'

export interface SmokeTestResult {
  /** What was checked, in words, for the report. */
  check: string
  passed: boolean
  /** Why it failed, with the container's last log lines. */
  detail?: string
  /** The user the container ran as. */
  user: string
}

const QUIET_START_SECONDS = 5

/** Runs the optimized image once and tells whether it started. */
export async function smokeTest(
  docker: DockerCli,
  image: string,
  command: StartCommand,
  setting: Exclude<SmokeTest, { kind: 'off' }>
): Promise<SmokeTestResult> {
  const user = (await docker.inspect(image)).user || 'root'
  const timeout = setting.timeoutSeconds
  if (setting.kind === 'command') {
    return withUser(user, await runOnce(docker, image, setting.argv, timeout))
  }
  if (command.port) {
    return withUser(
      user,
      await httpAnswers(docker, image, command.port, timeout)
    )
  }
  if (command.module) {
    const importIt = [`${VENV}/bin/python`, '-c', `import ${command.module}`]
    return withUser(user, await runOnce(docker, image, importIt, timeout))
  }
  return withUser(user, await staysUp(docker, image, timeout))
}

function withUser(
  user: string,
  result: Omit<SmokeTestResult, 'user'>
): SmokeTestResult {
  return { ...result, user }
}

async function runOnce(
  docker: DockerCli,
  image: string,
  argv: string[],
  timeout: number
): Promise<Omit<SmokeTestResult, 'user'>> {
  const check = `\`${argv.join(' ')}\` exits with 0`
  const [entrypoint, ...args] = argv
  const result = await docker.run(
    ['--rm', '--entrypoint', entrypoint, image, ...args],
    timeout
  )
  if (result.exitCode === 0) return { check, passed: true }
  return {
    check,
    passed: false,
    detail: `exit code ${result.exitCode}:\n${tail(result.output, 20)}`
  }
}

/**
 * Starts the container with its port published on the loopback interface
 * and waits until it answers any HTTP request.
 */
async function httpAnswers(
  docker: DockerCli,
  image: string,
  port: number,
  timeout: number
): Promise<Omit<SmokeTestResult, 'user'>> {
  const check = `answers HTTP on port ${port} within ${timeout} s`
  const container = await startDetached(docker, image, [
    '--publish',
    `127.0.0.1::${port}`
  ])
  try {
    const hostPort = await publishedPort(docker, container, port)
    const deadline = Date.now() + timeout * 1000
    while (Date.now() < deadline) {
      const status = await httpStatus(`http://127.0.0.1:${hostPort}/`)
      if (status !== undefined) {
        core.info(`The container answered HTTP ${status} on port ${port}.`)
        return { check, passed: true }
      }
      if (!(await isRunning(docker, container))) {
        return {
          check,
          passed: false,
          detail: await exitReport(docker, container)
        }
      }
      await sleep(500)
    }
    return {
      check,
      passed: false,
      detail:
        `no answer after ${timeout} s; last log lines:\n` +
        (await logs(docker, container))
    }
  } finally {
    await docker.capture(['rm', '--force', container])
  }
}

async function staysUp(
  docker: DockerCli,
  image: string,
  timeout: number
): Promise<Omit<SmokeTestResult, 'user'>> {
  const wait = Math.min(QUIET_START_SECONDS, timeout)
  const check = `starts and runs for ${wait} s (or exits with 0)`
  const container = await startDetached(docker, image, [])
  try {
    await sleep(wait * 1000)
    if (await isRunning(docker, container)) return { check, passed: true }
    const code = await exitCode(docker, container)
    if (code === 0) return { check, passed: true }
    return { check, passed: false, detail: await exitReport(docker, container) }
  } finally {
    await docker.capture(['rm', '--force', container])
  }
}

async function startDetached(
  docker: DockerCli,
  image: string,
  flags: string[]
): Promise<string> {
  const name = `venvship-smoke-${randomBytes(4).toString('hex')}`
  const result = await docker.run(['--detach', '--name', name, ...flags, image])
  if (result.exitCode !== 0) {
    throw new StepFailure(
      `The optimized image ${image} could not start: ${tail(result.output, 5)}`
    )
  }
  return name
}

async function publishedPort(
  docker: DockerCli,
  container: string,
  port: number
): Promise<number> {
  const result = await docker.capture(['port', container, `${port}/tcp`])
  const match = /:(\d+)\s*$/m.exec(result.output)
  if (!match) {
    throw new StepFailure(
      `Cannot find the published port of ${container}: ${result.output}`
    )
  }
  return Number(match[1])
}

async function httpStatus(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await response.body?.cancel()
    return response.status
  } catch {
    return undefined
  }
}

async function isRunning(docker: DockerCli, container: string) {
  const result = await docker.capture([
    'container',
    'inspect',
    '--format',
    '{{.State.Running}}',
    container
  ])
  return result.output.trim() === 'true'
}

async function exitCode(docker: DockerCli, container: string) {
  const result = await docker.capture([
    'container',
    'inspect',
    '--format',
    '{{.State.ExitCode}}',
    container
  ])
  return Number(result.output.trim())
}

async function exitReport(docker: DockerCli, container: string) {
  const code = await exitCode(docker, container)
  return (
    `the container exited with code ${code}; last log lines:\n` +
    (await logs(docker, container))
  )
}

async function logs(docker: DockerCli, container: string): Promise<string> {
  const result = await docker.capture(['logs', '--tail', '20', container])
  return tail(result.output, 20) || '(no output)'
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
