import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { detectProject, type Project } from './detect/index.js'
import { type BuiltImage, DockerCli } from './docker/cli.js'
import { smokeTest } from './docker/smoke-test.js'
import { checkSharedLibraries } from './docker/library-check.js'
import { type SecretValues, withSecretFiles } from './docker/build-secrets.js'
import { budgetMessage, checkBudgets } from './enforce/budgets.js'
import { ConfigurationError, errorMessage, StepFailure } from './errors.js'
import {
  CA_SECRET_ID,
  EXTRA_INDEX_URLS_SECRET_ID,
  INDEX_URL_SECRET_ID,
  type GeneratedFiles,
  OUTPUT_DIR,
  writeDockerfiles
} from './generate/index.js'
import { getSettings, type Settings } from './inputs.js'
import { Measurements } from './docker/measure-image.js'
import type { Report } from './report/model.js'
import { setOutputs, writeJsonReport } from './report/outputs.js'
import { COMMENT_LIMIT, renderReport } from './report/markdown.js'
import { commentOnPullRequest } from './github/pull-request-comment.js'
import {
  type BaseSizes,
  findBaseSizes,
  uploadSizes
} from './github/base-sizes.js'
import { sizesRecord } from './report/sizes-record.js'
import * as github from '@actions/github'
import { readFileSync } from 'node:fs'

/** The action: inputs, detect, generate, build, measure, report, enforce. */
export async function run(): Promise<void> {
  try {
    const settings = getSettings()
    if (settings.githubToken) core.setSecret(settings.githubToken)
    const project = await core.group('Detect the project', async () =>
      logged(detectProject(settings))
    )
    const files = await core.group('Generate Dockerfiles', async () =>
      logged(writeDockerfiles(project, generateSettings(settings)))
    )
    const report = emptyReport(project, files)
    // Read while the images build: measuring reuses its layer sizes.
    const recorded = findBaseSizes(settings.githubToken, settings.commentKey)
    const failures = settings.build
      ? await buildAndMeasure(report, files, settings, recorded)
      : []
    await core.group('Compare with the base branch', async () =>
      compareWithBase(report, settings, await recorded)
    )
    await core.group('Report', () => publish(report, settings))
    enforce(report, failures)
  } catch (error) {
    fail(error)
  }
}

/** The steps that need an engine; their failures are reported, not lost. */
async function buildAndMeasure(
  report: Report,
  files: GeneratedFiles,
  settings: Settings,
  recorded: Promise<BaseSizes>
): Promise<string[]> {
  const docker = new DockerCli()
  await docker.engineVersion()
  const built: BuiltImage[] = []
  const failures: string[] = []
  const measurements = new Measurements(
    docker,
    recorded.then(base => (base.found ? base.record.layers : undefined))
  )
  try {
    const images = await core.group('Build images', () =>
      buildImages(docker, report.project, files, settings, {
        built,
        failures,
        measurements
      })
    )
    if (images.optimized && settings.smokeTest.kind !== 'off') {
      const tag = images.optimized.tag
      const setting = settings.smokeTest
      report.smokeTest = await core.group('Smoke test', () =>
        smokeTest(docker, tag, report.project.command, setting)
      )
      if (!report.smokeTest.passed) {
        failures.push(
          `The optimized image did not pass its smoke test ` +
            `(${report.smokeTest.check}): ${report.smokeTest.detail}`
        )
      }
    }
    if (images.optimized) {
      const tag = images.optimized.tag
      report.libraries = await core.group('Check shared libraries', () =>
        checkLibraries(docker, tag)
      )
    }
    await core.group('Measure images', async () =>
      measureAll(measurements, report, await recorded)
    )
  } finally {
    await measurements.settled()
    if (!settings.keepImages) await docker.remove(built.map(b => b.tag))
  }
  return failures
}

/** Every library the venv needs must resolve in the runtime image. */
async function checkLibraries(docker: DockerCli, image: string) {
  const result = await checkSharedLibraries(docker, image)
  core.info(`Read ${result.checked} shared objects in the venv.`)
  for (const { file, library } of result.missing) {
    core.warning(
      `${file} in the optimized image needs ${library}, which its runtime ` +
        'lacks: it fails when imported. Use runtime: slim, or a runtime ' +
        'image that has the library.'
    )
  }
  return result
}

type BuiltPair = Partial<Record<'baseline' | 'optimized', BuiltImage>>

/** What the builds leave behind: images, failures, measurements started. */
interface BuildResults {
  built: BuiltImage[]
  failures: string[]
  measurements: Measurements
}

async function buildImages(
  docker: DockerCli,
  project: Project,
  files: GeneratedFiles,
  settings: Settings,
  results: BuildResults
): Promise<BuiltPair> {
  return withSecretFiles(buildSecrets(settings), secrets =>
    buildBoth(docker, project, files, secrets, results)
  )
}

/** What the builds may read, as BuildKit secrets, never as build args. */
function buildSecrets(settings: Settings): SecretValues {
  const extra = settings.extraIndexUrls.join(' ')
  return {
    files: settings.caCertificates
      ? { [CA_SECRET_ID]: settings.caCertificates }
      : {},
    values: {
      [INDEX_URL_SECRET_ID]: settings.indexUrl,
      [EXTRA_INDEX_URLS_SECRET_ID]: extra || undefined
    }
  }
}

/**
 * The baseline first: it is measured while the optimized image builds,
 * which is then measured during its smoke test.
 */
async function buildBoth(
  docker: DockerCli,
  project: Project,
  files: GeneratedFiles,
  secrets: Record<string, string>,
  { built, failures, measurements }: BuildResults
): Promise<BuiltPair> {
  const images: BuiltPair = {}
  const dockerfiles = {
    optimized: files.dockerfile,
    baseline: files.baselineDockerfile
  }
  for (const role of ['baseline', 'optimized'] as const) {
    try {
      const image = await docker.build({
        role,
        context: project.root,
        dockerfile: dockerfiles[role],
        tag: imageTag(project, role),
        secrets
      })
      images[role] = image
      built.push(image)
      measurements.start(image, role, dockerfiles[role])
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error
      failures.push(error.message)
    }
  }
  return images
}

/**
 * Waits for the measurements started as the images were built; what the
 * job waits for here is what measuring adds to the run.
 */
async function measureAll(
  measurements: Measurements,
  report: Report,
  base: BaseSizes
): Promise<void> {
  const waiting = Date.now()
  if (base.found && base.record.layers) {
    const count = Object.keys(base.record.layers.compressedSizes).length
    core.info(`Read ${count} layer sizes recorded on ${base.branch}.`)
  }
  const { figures, seconds } = await measurements.finish()
  for (const image of [figures.optimized, figures.baseline]) {
    if (!image) continue
    core.info(
      `${image.role}: ${image.size} bytes, ${image.compressedSize} ` +
        `compressed, measured in ${image.measureSeconds?.toFixed(1)} s`
    )
  }
  report.optimized = figures.optimized
  report.baseline = figures.baseline
  report.measureSeconds = seconds
  report.measureWaitSeconds = (Date.now() - waiting) / 1000
}

/**
 * Pull requests compare with the base branch's last numbers (for
 * max-growth and the comment); pushes and manual runs keep theirs for
 * later runs. Then every budget is checked.
 */
async function compareWithBase(
  report: Report,
  settings: Settings,
  base: BaseSizes
) {
  const event = github.context.eventName
  const comparing = PULL_REQUEST_EVENTS.includes(event)
  if (!base.found && base.warning) {
    if (comparing) core.warning(base.warning)
    else core.info(base.warning)
  }
  if (report.optimized && comparing) {
    report.base = base.found
      ? { branch: base.branch, optimizedSize: base.record.optimizedSize }
      : {
          missing: base.reason,
          maxGrowthSkipped: settings.budgets.maxGrowth !== undefined
        }
  }
  const record = sizesRecord(report, settings.commentKey)
  if (record && RECORDING_EVENTS.includes(event)) await uploadSizes(record)
  const compared =
    report.base && 'branch' in report.base ? report.base : undefined
  report.budgets = checkBudgets(settings.budgets, report, compared)
}

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']
const RECORDING_EVENTS = ['push', 'workflow_dispatch', 'schedule']

/** JSON report, outputs, job summary, then the pull-request comment. */
async function publish(report: Report, settings: Settings): Promise<void> {
  const reportFile = path.join(report.project.root, OUTPUT_DIR, 'report.json')
  writeJsonReport(report, reportFile)
  setOutputs(report, reportFile)
  const context = {
    project: settings.commentKey,
    dockerfileText: readFileSync(report.dockerfile, 'utf8'),
    runUrl: runUrl()
  }
  const summary = renderReport(report, context)
  core.info(summary)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(summary).write()
  }
  if (settings.comment) {
    await commentOnPullRequest({
      token: settings.githubToken,
      key: settings.commentKey,
      body: renderReport(report, context, COMMENT_LIMIT)
    })
  }
}

function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return
  return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
}

/** Budgets and failed steps fail the step, after the report is out. */
function enforce(report: Report, failures: string[]): void {
  const broken = report.budgets.filter(result => !result.passed)
  for (const result of broken) {
    core.error(budgetMessage(result), { title: `venvship ${result.input}` })
  }
  const reasons = [...failures]
  if (broken.length) {
    reasons.push(
      `${broken.length} size budget(s) exceeded: ` +
        broken.map(b => b.input).join(', ')
    )
  }
  if (reasons.length) core.setFailed(reasons.join('\n'))
}

function fail(error: unknown): void {
  if (error instanceof ConfigurationError || error instanceof StepFailure) {
    core.setFailed(error.message)
    return
  }
  // A bug of ours: keep the trace out of the annotation but in the log.
  core.debug(error instanceof Error ? (error.stack ?? '') : '')
  core.setFailed(`venvship failed unexpectedly: ${errorMessage(error)}`)
}

function emptyReport(project: Project, files: GeneratedFiles): Report {
  return {
    project,
    baselineSource: files.baselineSource,
    builderImage: files.images.builder,
    runtimeImage: files.images.runtime,
    dockerfile: files.dockerfile,
    budgets: []
  }
}

function generateSettings(settings: Settings) {
  return {
    runtime: settings.runtime,
    baseline: settings.baseline,
    caCertificates: Boolean(settings.caCertificates),
    indexUrl: settings.indexUrl !== undefined,
    extraIndexUrls: settings.extraIndexUrls.length > 0
  }
}

/**
 * A tag unique to this invocation: two jobs of one run can share an engine
 * (self-hosted runners), so the run id alone is not enough.
 */
function imageTag(project: Project, role: string): string {
  const name = path
    .basename(project.root)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
  const run = process.env.GITHUB_RUN_ID ?? 'local'
  return `venvship/${name || 'project'}:${role}-${run}-${INVOCATION}`
}

const INVOCATION = randomBytes(3).toString('hex')

function logged<T>(value: T): T {
  core.info(JSON.stringify(value, null, 2))
  return value
}
