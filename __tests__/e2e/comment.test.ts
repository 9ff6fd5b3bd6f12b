import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { formatBytes } from '../../src/sizes.js'
import type { ImageFigures } from '../../src/report/model.js'
import type { RecordedLayerSizes } from '../../src/report/sizes-record.js'
import {
  failures,
  type FakeGitHub,
  startFakeGitHub
} from '../support/fake-github.js'
import {
  type ActionRun,
  engineAvailable,
  REPO_ROOT,
  runAction
} from './harness.js'

const PROJECT = path.join(REPO_ROOT, 'examples', 'flask-pip')
const describeWithEngine = engineAvailable() ? describe : describe.skip

let github: FakeGitHub

beforeAll(async () => {
  github = await startFakeGitHub()
})

afterAll(async () => {
  await github.close()
})

/** The variables a runner sets for a pull_request event. */
function pullRequestEvent(number: number, eventName = 'pull_request') {
  const dir = mkdtempSync(path.join(tmpdir(), 'venvship-event-'))
  const eventPath = path.join(dir, 'event.json')
  const pullRequest = { number, base: { ref: 'main' } }
  writeFileSync(
    eventPath,
    JSON.stringify({ pull_request: pullRequest, number })
  )
  return {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242'
  }
}

function diffIds(image: string): string[] {
  const output = execFileSync('docker', [
    'image',
    'inspect',
    '--format',
    '{{json .RootFS.Layers}}',
    image
  ])
  return JSON.parse(String(output)) as string[]
}

/** A size-cache file of its own: only the record can say a size. */
function emptySizeCache(): string {
  return path.join(
    mkdtempSync(path.join(tmpdir(), 'venvship-sizes-')),
    'c.json'
  )
}

function errorsOf(run: ActionRun): string[] {
  const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
  return run.exitCode === 0 ? errors : [`exit ${run.exitCode}`, ...errors]
}

const inputs = { 'working-directory': PROJECT, 'github-token': 'ghs_fake' }

describeWithEngine('the pull-request comment, through the real Octokit', () => {
  it('two concurrent runs leave one comment with both sizes', async () => {
    const env = pullRequestEvent(11)
    const runs = await Promise.all([
      runAction(inputs, env),
      runAction(inputs, env)
    ])
    for (const run of runs) expect(errorsOf(run)).toEqual([])
    const comments = github.state.commentsOn('acme', 'shop', 11)
    expect(comments).toHaveLength(1)
    const body = comments[0].body
    expect(body).toMatch(/^<!-- venvship:report key=/)
    const sizes = runs.map(run => [
      formatBytes(Number(run.outputs['optimized-size'])),
      formatBytes(Number(run.outputs['baseline-size']))
    ])
    expect(sizes.some(([o, b]) => body.includes(o) && body.includes(b))).toBe(
      true
    )
    expect(body).toContain('/acme/shop/actions/runs/4242')
  })

  it('a rerun updates the comment in place', async () => {
    const env = pullRequestEvent(12)
    await runAction(inputs, env)
    const [first] = github.state.commentsOn('acme', 'shop', 12)
    await runAction({ ...inputs, 'max-size': '1GB' }, env)
    const after = github.state.commentsOn('acme', 'shop', 12)
    expect(after).toHaveLength(1)
    expect(after[0].id).toBe(first.id)
    expect(after[0].body).toContain('max-size')
  })

  it('a 403 leaves a warning, the summary and a green step', async () => {
    const env = pullRequestEvent(13)
    github.script('listComments', failures.integrationForbidden())
    const run = await runAction(inputs, env)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/::warning::.*pull-requests: write/)
    expect(run.stdout).toMatch(/::warning::.*fork/)
    expect(run.summary).toContain('Smoke test ✅ passed')
    expect(github.state.commentsOn('acme', 'shop', 13)).toHaveLength(0)
  })

  it('a 403 with a broken budget fails on the budget only', async () => {
    const env = pullRequestEvent(14)
    github.script('listComments', failures.integrationForbidden())
    const run = await runAction({ ...inputs, 'max-size': '1MB' }, env)
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout).toMatch(/::error title=venvship max-size::/)
    expect(run.summary).toContain('❌')
  })

  it('two projects in one pull request get one comment each', async () => {
    const env = pullRequestEvent(15)
    await runAction(inputs, env)
    await runAction({ ...inputs, 'comment-key': 'another-service' }, env)
    expect(github.state.commentsOn('acme', 'shop', 15)).toHaveLength(2)
  })

  function baseReport(
    optimizedSize: number,
    branch = 'main',
    layers?: RecordedLayerSizes
  ) {
    github.state.addArtifact({
      owner: 'acme',
      repo: 'shop',
      name: 'venvship-sizes-examples-flask-pip',
      branch,
      runId: 77,
      expired: false,
      files: {
        'venvship-sizes.json': JSON.stringify({
          version: 1,
          key: 'examples/flask-pip',
          optimizedSize,
          optimizedCompressedSize: optimizedSize / 3,
          layers
        })
      }
    })
  }

  it('max-growth fails against a smaller base-branch report', async () => {
    baseReport(10_000_000_000, 'other-branch')
    baseReport(1_000_000)
    const run = await runAction(
      { ...inputs, 'max-growth': '10%' },
      pullRequestEvent(17)
    )
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout).toMatch(
      /::error title=venvship max-growth::The optimized image grew by [\d.]+ MB against the base branch, over the max-growth budget of 100 kB by/
    )
    const [comment] = github.state.commentsOn('acme', 'shop', 17)
    expect(comment.body).toContain('Against `main`: +')
    expect(run.outputs['failed-budgets']).toBe('max-growth')
  })

  it('max-growth passes when the image shrank', async () => {
    baseReport(10_000_000_000)
    const run = await runAction(
      { ...inputs, 'max-growth': '1MB' },
      pullRequestEvent(18)
    )
    expect(errorsOf(run)).toEqual([])
    expect(run.summary).toMatch(/Against `main`: −/)
  })

  it('a missing base report is said, and fails nothing', async () => {
    github.state.artifacts = []
    const run = await runAction(
      { ...inputs, 'max-growth': '1MB' },
      pullRequestEvent(19)
    )
    expect(errorsOf(run)).toEqual([])
    expect(run.summary).toContain(
      'No size report from the base branch to compare with (no report ' +
        'from main yet); max-growth is not checked until there is one.'
    )
  })

  /**
   * The base images' layers, recorded with sizes no compressor would
   * give, so that a figure equal to one of them was reused, not computed.
   */
  function recordBaseImageLayers(): RecordedLayerSizes {
    const digests = new Set(
      ['python:3.13', 'gcr.io/distroless/python3-debian13:nonroot'].flatMap(
        image => diffIds(image)
      )
    )
    const compressedSizes = Object.fromEntries(
      [...digests].map((digest, index) => [digest, 1_000_003 + index])
    )
    github.state.artifacts = []
    baseReport(70_000_000, 'main', { compression: 'gzip -6', compressedSizes })
    return { compression: 'gzip -6', compressedSizes }
  }

  function expectReused(run: ActionRun, recorded: RecordedLayerSizes) {
    expect(errorsOf(run)).toEqual([])
    const report = JSON.parse(readFileSync(run.outputs.report, 'utf8')) as {
      optimized: ImageFigures
      baseline: ImageFigures
    }
    const { compressedSizes } = recorded
    const reused = [report.optimized, report.baseline].flatMap(image =>
      image.layers.filter(l => l.blobDigest && l.blobDigest in compressedSizes)
    )
    expect(reused).toHaveLength(Object.keys(compressedSizes).length)
    for (const layer of reused) {
      expect(layer.compressedSize).toBe(compressedSizes[layer.blobDigest!])
    }
    expect(
      (report.optimized.cachedLayers ?? 0) + (report.baseline.cachedLayers ?? 0)
    ).toBe(reused.length)
    expect(run.stdout).toContain(
      `Read ${reused.length} layer sizes recorded on main.`
    )
  }

  it('reuses the layer sizes the base branch recorded', async () => {
    const recorded = recordBaseImageLayers()
    const run = await runAction(inputs, {
      ...pullRequestEvent(20),
      VENVSHIP_SIZE_CACHE: emptySizeCache()
    })
    expectReused(run, recorded)
  })

  it('a push reuses the layer sizes its branch recorded', async () => {
    const recorded = recordBaseImageLayers()
    const run = await runAction(inputs, {
      ...pullRequestEvent(21),
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      VENVSHIP_SIZE_CACHE: emptySizeCache()
    })
    expectReused(run, recorded)
    expect(github.state.commentsOn('acme', 'shop', 21)).toHaveLength(0)
  })

  it('a push event writes the summary and posts no comment', async () => {
    const before = github.requests.length
    const run = await runAction(inputs, {
      ...pullRequestEvent(16),
      GITHUB_EVENT_NAME: 'push'
    })
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain('Smoke test ✅ passed')
    // It may read the branch's sizes record, but touches no comment.
    const routes = github.requests.slice(before).map(r => r.route ?? r.path)
    expect(routes.filter(route => /omment/.test(route))).toEqual([])
  })
})
