import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import {
  type ActionRun,
  docker,
  engineAvailable,
  httpAnswer,
  pythonIn,
  REPO_ROOT,
  removeKeptImages,
  runAction
} from './harness.js'

const EXAMPLES = path.join(REPO_ROOT, 'examples')
const describeWithEngine = engineAvailable() ? describe : describe.skip

interface Example {
  example: string
  /** Dev dependencies the lock or manifest declares: none may ship. */
  dev: string[]
  /** The package manager, which must stay in the builder. */
  tool: string
  web: boolean
}

describeWithEngine.each<Example>([
  { example: 'uv-fastapi', dev: ['pytest'], tool: 'uv', web: true },
  { example: 'pdm-flask', dev: ['pytest'], tool: 'pdm', web: true },
  { example: 'pipenv-flask', dev: ['pytest'], tool: 'pipenv', web: true },
  { example: 'pyproject-cli', dev: ['pytest'], tool: 'pip', web: false }
])('the bundled action on examples/$example', ({ example, dev, tool, web }) => {
  let run: ActionRun

  beforeAll(async () => {
    run = await runAction({
      'working-directory': path.join(EXAMPLES, example),
      baseline: 'generated',
      'keep-images': 'true'
    })
  })

  afterAll(() => removeKeptImages(run))

  it('succeeds, and the optimized image passes its smoke test', () => {
    expect(run.stdout).not.toMatch(/::error/)
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain('Smoke test ✅ passed')
    expect(run.outputs['baseline-image']).toBeTruthy()
  })

  it('runs as uid 65532', () => {
    const image = run.outputs['optimized-image']
    expect(pythonIn(image, 'import os; print(os.getuid())')).toBe('65532')
  })

  it('starts its command and answers', async () => {
    const image = run.outputs['optimized-image']
    if (web) {
      const { status, body } = await httpAnswer(image)
      expect(status).toBe(200)
      expect(JSON.parse(body)).toMatchObject({ status: 'ok' })
    } else {
      const printed = docker('run', '--rm', image).trim()
      expect(JSON.parse(printed)).toMatchObject({ status: 'ok' })
    }
  })

  it('ships no dev dependency, package manager or compiler', () => {
    const image = run.outputs['optimized-image']
    const modules = [...dev, 'pip', 'uv', 'pdm', 'pipenv', 'poetry']
    const programs = ['gcc', 'cc', 'pip', 'uv', 'pdm', 'pipenv', tool]
    const found = pythonIn(
      image,
      'import importlib.util as u, shutil, json; print(json.dumps(' +
        `[m for m in ${JSON.stringify(modules)} if u.find_spec(m)] + ` +
        `[c for c in ${JSON.stringify(programs)} if shutil.which(c)]))`
    )
    expect(JSON.parse(found)).toEqual([])
  })

  it('compiles bytecode into the venv', () => {
    const image = run.outputs['optimized-image']
    const compiled = pythonIn(
      image,
      'import glob; print(len(glob.glob(' +
        "'/app/.venv/lib/python3*/site-packages/**/__pycache__/*.pyc', " +
        'recursive=True)))'
    )
    expect(Number(compiled)).toBeGreaterThan(10)
  })

  it('makes the optimized image at most 0.3 times the baseline', () => {
    const optimized = Number(run.outputs['optimized-size'])
    const baseline = Number(run.outputs['baseline-size'])
    expect(optimized).toBeGreaterThan(0)
    expect(optimized / baseline).toBeLessThanOrEqual(0.3)
  })

  it('puts the dev dependencies into the naive baseline', () => {
    const image = run.outputs['baseline-image']
    const found = docker(
      'run',
      '--rm',
      image,
      'sh',
      '-c',
      'python -c "import pytest" && echo present'
    ).trim()
    expect(found).toBe('present')
  })
})
