import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { formatBytes } from '../../src/sizes.js'
import {
  type ActionRun,
  docker,
  engineAvailable,
  httpAnswer,
  pythonIn,
  REPO_ROOT,
  removeKeptImages,
  runAction,
  sh
} from './harness.js'

const EXAMPLES = path.join(REPO_ROOT, 'examples')
const describeWithEngine = engineAvailable() ? describe : describe.skip

/** Sum of the layer tars of `docker save`, computed by the shell. */
function layerTarBytes(image: string): number {
  const total = sh(`
    dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
    docker save ${image} | tar -x -C "$dir"
    python3 -c 'import json,sys; print("\\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$dir/manifest.json" |
      sort -u | (cd "$dir" && xargs cat) | wc -c`)
  return Number(total.trim())
}

describeWithEngine.each([
  { example: 'fastapi-poetry', dev: ['pytest', 'httpx2', 'poetry'] },
  { example: 'flask-pip', dev: ['pytest'] }
])('the bundled action on examples/$example', ({ example, dev }) => {
  let run: ActionRun

  beforeAll(async () => {
    run = await runAction({
      'working-directory': path.join(EXAMPLES, example),
      'keep-images': 'true'
    })
  })

  afterAll(() => removeKeptImages(run))

  it('succeeds and builds both images', () => {
    expect(run.stdout).not.toMatch(/::error/)
    expect(run.exitCode).toBe(0)
    expect(
      docker('image', 'inspect', run.outputs['optimized-image'])
    ).toBeTruthy()
    expect(
      docker('image', 'inspect', run.outputs['baseline-image'])
    ).toBeTruthy()
  })

  it('makes the optimized image at most 0.3 times the baseline', () => {
    const optimized = Number(run.outputs['optimized-size'])
    const baseline = Number(run.outputs['baseline-size'])
    expect(optimized).toBeGreaterThan(0)
    expect(optimized / baseline).toBeLessThanOrEqual(0.3)
    expect(Number(run.outputs.reduction)).toBeGreaterThanOrEqual(70)
  })

  it('serves HTTP 200 as a non-root user', async () => {
    const { status, body, uid } = await httpAnswer(
      run.outputs['optimized-image']
    )
    expect(status).toBe(200)
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' })
    expect(uid).toBe('65532')
  })

  it('ships no dev dependency, package manager or compiler', () => {
    const image = run.outputs['optimized-image']
    const found = pythonIn(
      image,
      'import importlib.util as u, shutil, json; print(json.dumps(' +
        `[m for m in ${JSON.stringify([...dev, 'pip'])} if u.find_spec(m)] + ` +
        "[c for c in ['gcc', 'cc', 'poetry', 'pip', 'sh'] if shutil.which(c)]))"
    )
    expect(JSON.parse(found)).toEqual([])
  })

  it('outputs the sizes the engine exports', () => {
    for (const role of ['optimized', 'baseline']) {
      const image = run.outputs[`${role}-image`]
      const reported = Number(run.outputs[`${role}-size`])
      expect(reported).toBe(layerTarBytes(image))
      const engine = Number(
        docker('image', 'inspect', '-f', '{{.Size}}', image)
      )
      // Layer tars carry headers and padding on top of the file bytes.
      expect(Math.abs(reported - engine) / engine).toBeLessThan(0.05)
      const compressed = Number(run.outputs[`${role}-compressed-size`])
      expect(compressed).toBeGreaterThan(0)
      expect(compressed).toBeLessThan(reported)
    }
  })

  it('writes both sizes into the job summary', () => {
    for (const role of ['optimized', 'baseline']) {
      const size = formatBytes(Number(run.outputs[`${role}-size`]))
      expect(run.summary).toContain(size)
    }
    expect(run.summary).toContain('Smoke test ✅ passed')
    expect(run.summary).toMatch(/Shared libraries: all \d+ in the venv resolve/)
  })
})

describeWithEngine('a size budget', () => {
  it('fails the step after the summary, naming image, limit and excess', async () => {
    const run = await runAction({
      'working-directory': path.join(EXAMPLES, 'flask-pip'),
      'max-size': '10MB',
      baseline: 'generated'
    })
    expect(run.exitCode).not.toBe(0)
    const annotation = run.stdout
      .split('\n')
      .find(line => line.startsWith('::error title=venvship max-size'))
    expect(annotation).toMatch(
      /The optimized image is [\d.]+ MB, over the max-size budget of 10\.0 MB by [\d.]+ MB\./
    )
    expect(run.summary).toContain('❌')
    expect(run.outputs['failed-budgets']).toBe('max-size')
  })
})

/** A throwaway project folder from a map of file name → content. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'venvship-project-'))
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), text)
  }
  return dir
}

describeWithEngine('a project that does not work', () => {
  it('a failed build fails the step with the end of the build log', async () => {
    const run = await runAction({
      'working-directory': project({
        'requirements.txt': 'venvship-no-such-package-anywhere==1.0\n',
        'main.py': 'print("hello")\n'
      })
    })
    expect(run.exitCode).not.toBe(0)
    const error = run.stdout.split('\n').find(l => l.startsWith('::error'))
    expect(error).toMatch(
      /The optimized image failed to build from .*Dockerfile/
    )
    expect(error).toMatch(/venvship-no-such-package-anywhere/)
    expect(run.summary).toContain('venvship')
  })

  it('a failed smoke test fails the step after the report', async () => {
    const run = await runAction({
      'working-directory': project({
        'requirements.txt': '\n',
        'main.py': 'raise SystemExit("cannot start: no DATABASE_URL")\n'
      }),
      baseline: 'generated'
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.summary).toContain('Smoke test ❌ failed')
    expect(run.summary).toContain('cannot start: no DATABASE_URL')
    expect(run.stdout).toMatch(
      /::error::The optimized image did not pass its smoke test/
    )
    expect(Number(run.outputs['optimized-size'])).toBeGreaterThan(0)
  })
})

describe('bad inputs', () => {
  it.each([
    [
      { 'working-directory': 'no/such/folder' },
      /working-directory: "no\/such\/folder"/
    ],
    [
      { 'working-directory': 'examples/flask-pip', 'max-size': 'ten' },
      /max-size: "ten" is not a size; expected/
    ],
    [
      { 'working-directory': 'examples/flask-pip', 'python-version': '3' },
      /python-version: "3"/
    ]
  ])('%j fails with one line and no stack trace', async (inputs, message) => {
    const run = await runAction(inputs)
    expect(run.exitCode).not.toBe(0)
    const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(message)
    expect(errors[0]).not.toMatch(/%0A/)
    expect(run.stdout).not.toMatch(/^\s+at /m)
  })
})

describe('build: false', () => {
  it('writes the Dockerfile without touching an engine', async () => {
    const run = await runAction(
      { 'working-directory': 'examples/fastapi-poetry', build: 'false' },
      { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs.dockerfile).toMatch(/\.venvship\/Dockerfile$/)
    expect(run.outputs['optimized-size']).toBe('')
  })
})
