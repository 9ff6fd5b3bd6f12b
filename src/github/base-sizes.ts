import { DefaultArtifactClient } from '@actions/artifact'
import * as core from '@actions/core'
import * as github from '@actions/github'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  artifactName,
  parseSizesRecord,
  type SizesRecord
} from '../report/sizes-record.js'
import { errorMessage } from '../errors.js'

const RECORD_FILE = 'venvship-sizes.json'

/**
 * On a push or manual run, keeps this run's numbers as an artifact so that
 * pull requests into this branch can compare against them.
 */
export async function uploadSizes(record: SizesRecord): Promise<void> {
  // The artifact service only exists inside a workflow run.
  if (!process.env.ACTIONS_RUNTIME_TOKEN) {
    core.info('Not in a workflow run: the sizes artifact is not uploaded.')
    return
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'venvship-sizes-'))
  try {
    const file = path.join(dir, RECORD_FILE)
    writeFileSync(file, JSON.stringify(record, null, 2) + '\n')
    const name = artifactName(record.key)
    await new DefaultArtifactClient().uploadArtifact(name, [file], dir, {
      retentionDays: 90
    })
    core.info(`Uploaded the sizes of ${record.key} as artifact ${name}.`)
  } catch (error) {
    core.warning(
      `The sizes artifact was not uploaded, so pull requests cannot ` +
        `compare against this run: ${errorMessage(error)}`
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export type BaseSizes =
  | { found: true; record: SizesRecord; branch: string }
  | { found: false; reason: string; warning?: string }

/**
 * The latest sizes recorded on the branch this run builds on: a pull
 * request's base branch, or the pushed branch itself, from the newest
 * unexpired artifact of a run on it. Logs nothing, so that it can run
 * while the images build: a failure comes back as `warning`.
 */
export async function findBaseSizes(
  token: string,
  key: string
): Promise<BaseSizes> {
  const branch = recordingBranch()
  if (!branch) return { found: false, reason: 'no branch to compare with' }
  if (!token) return { found: false, reason: 'no github-token to read it' }
  try {
    const artifact = await latestArtifact(token, artifactName(key), branch)
    if (!artifact) {
      return { found: false, reason: `no report from ${branch} yet` }
    }
    const record = await downloadRecord(token, artifact)
    return record
      ? { found: true, record, branch }
      : { found: false, reason: `the report from ${branch} is unreadable` }
  } catch (error) {
    const reason = `the report from ${branch} could not be read: ${errorMessage(error)}`
    return {
      found: false,
      reason,
      warning: `${reason}. Does the token have actions: read?`
    }
  }
}

/** A pull request's base branch, else the branch the run is on. */
function recordingBranch(): string | undefined {
  const { context } = github
  const base: unknown = context.payload.pull_request?.base?.ref
  if (typeof base === 'string') return base
  const prefix = 'refs/heads/'
  const ref = context.ref ?? ''
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined
}

interface ArtifactRef {
  id: number
  runId: number
}

async function latestArtifact(
  token: string,
  name: string,
  branch: string
): Promise<ArtifactRef | undefined> {
  const octokit = github.getOctokit(token)
  const { owner, repo } = github.context.repo
  const { data } = await octokit.rest.actions.listArtifactsForRepo({
    owner,
    repo,
    name,
    per_page: 100
  })
  // Newest first, as the API returns them.
  const artifact = data.artifacts.find(
    a => !a.expired && a.workflow_run?.head_branch === branch
  )
  const runId = artifact?.workflow_run?.id
  return artifact && runId ? { id: artifact.id, runId } : undefined
}

async function downloadRecord(
  token: string,
  artifact: ArtifactRef
): Promise<SizesRecord | undefined> {
  const dir = mkdtempSync(path.join(tmpdir(), 'venvship-base-'))
  try {
    const { owner, repo } = github.context.repo
    await new DefaultArtifactClient().downloadArtifact(artifact.id, {
      path: dir,
      findBy: {
        token,
        workflowRunId: artifact.runId,
        repositoryOwner: owner,
        repositoryName: repo
      }
    })
    return parseSizesRecord(readFileSync(path.join(dir, RECORD_FILE), 'utf8'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
