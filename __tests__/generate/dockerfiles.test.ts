import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Project } from '../../src/detect/index.js'
import { ConfigurationError } from '../../src/errors.js'
import { naiveDockerfile } from '../../src/generate/baseline.js'
import { VENV } from '../../src/generate/dockerfile.js'
import { OUTPUT_DIR, writeDockerfiles } from '../../src/generate/index.js'
import { pairImages } from '../../src/generate/runtime.js'
import type { RuntimeChoice } from '../../src/inputs.js'
import {
  expectGolden,
  type Instruction,
  parseDockerfile,
  removeTempTrees,
  sampleProject,
  tempTree,
  thrownBy
} from '../support/fixtures.js'

afterAll(removeTempTrees)

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url))

const poetry = (installsProject: boolean): Project['packageManager'] => ({
  name: 'poetry',
  version: '2.1.3',
  installsProject
})
const fastapi: Project['command'] = {
  argv: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'],
  source: 'FastAPI app in app/main.py',
  port: 8000
}

interface Case {
  name: string
  project: Project
  runtime: RuntimeChoice
  caCertificates: boolean
  /** The images the pair must name, and the interpreter making the venv. */
  builder: string
  runtimeImage: string
  python: string
}

const distroless = {
  builder: 'debian:13-slim',
  runtimeImage: 'gcr.io/distroless/python3-debian13:nonroot',
  python: '/usr/bin/python3'
}

const cases: Case[] = [
  {
    name: 'pip-distroless',
    project: sampleProject(),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'pip-distroless-ca',
    project: sampleProject(),
    runtime: { kind: 'distroless' },
    caCertificates: true,
    ...distroless
  },
  {
    name: 'poetry-distroless-package',
    project: sampleProject({
      packageManager: poetry(true),
      command: fastapi,
      dependencies: ['fastapi', 'uvicorn']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'poetry-distroless-no-package',
    project: sampleProject({
      packageManager: poetry(false),
      command: fastapi,
      dependencies: ['fastapi', 'uvicorn']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'poetry-distroless-ca',
    project: sampleProject({
      packageManager: poetry(true),
      command: fastapi,
      dependencies: ['fastapi', 'uvicorn']
    }),
    runtime: { kind: 'auto' },
    caCertificates: true,
    ...distroless
  },
  {
    name: 'pip-slim-python-3.12',
    project: sampleProject({
      python: { version: '3.12', source: '.python-version' },
      command: {
        argv: ['python', 'main.py'],
        source: 'main.py',
        module: 'main'
      }
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    builder: 'python:3.12',
    runtimeImage: 'python:3.12-slim',
    python: '/usr/local/bin/python3'
  },
  {
    name: 'pip-custom-image',
    project: sampleProject(),
    runtime: { kind: 'image', image: 'ghcr.io/acme/python:3.13' },
    caCertificates: false,
    builder: 'ghcr.io/acme/python:3.13',
    runtimeImage: 'ghcr.io/acme/python:3.13',
    python: 'python3'
  },
  {
    name: 'pip-src-layout',
    project: sampleProject({
      command: {
        argv: [
          'uvicorn',
          'shop.main:app',
          '--host',
          '0.0.0.0',
          '--port',
          '8000'
        ],
        source: 'FastAPI app in src/shop/main.py',
        port: 8000,
        pythonPath: 'src'
      },
      dependencies: ['fastapi', 'uvicorn'],
      dockerignore: '# local data\ndata/\n.git\n\n!tests/fixtures\n'
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  }
]

interface Generated {
  dockerfile: string
  baseline: string
  dockerignore: string
  baselineDockerignore: string
  /** The files writeDockerfiles reports, relative to the project. */
  written: string[]
}

/** Writes the files for a case the way the action does, and reads them. */
function generate(c: Case): Generated {
  const root = tempTree()
  const files = writeDockerfiles(
    { ...c.project, root },
    {
      runtime: c.runtime,
      baseline: { kind: 'generated' },
      caCertificates: c.caCertificates
    }
  )
  const read = (name: string) =>
    readFileSync(path.join(root, OUTPUT_DIR, name), 'utf8')
  return {
    dockerfile: read('Dockerfile'),
    baseline: read('baseline.Dockerfile'),
    dockerignore: read('Dockerfile.dockerignore'),
    baselineDockerignore: read('baseline.Dockerfile.dockerignore'),
    written: files.written.map(file => path.relative(root, file))
  }
}

const generated = new Map<string, Generated>()
beforeAll(() => {
  for (const c of cases) generated.set(c.name, generate(c))
})
const output = (c: Case) => generated.get(c.name) as Generated

/** `<python> -m venv [--without-pip] <path>` inside a RUN. */
const VENV_MADE = /(?:^|\s)(\S+) -m venv (?:--without-pip )?(\S+)/g

function instructions(stage: Instruction[], keyword: string): string[] {
  return stage.filter(i => i.keyword === keyword).map(i => i.args)
}

describe.each(cases)('$name', c => {
  const { project } = c

  it('matches the golden files', () => {
    const files = output(c)
    expectGolden(path.join(GOLDEN, `${c.name}.Dockerfile`), files.dockerfile)
    expectGolden(
      path.join(GOLDEN, `${c.name}.baseline.Dockerfile`),
      files.baseline
    )
    const ignoreName = project.dockerignore ? c.name : 'default'
    expectGolden(
      path.join(GOLDEN, `${ignoreName}.dockerignore`),
      files.dockerignore
    )
    expect(files.baselineDockerignore).toBe(files.dockerignore)
  })

  it('writes both Dockerfiles and their ignore files in .venvship', () => {
    expect(output(c).written).toEqual([
      '.venvship/Dockerfile',
      '.venvship/Dockerfile.dockerignore',
      '.venvship/baseline.Dockerfile',
      '.venvship/baseline.Dockerfile.dockerignore'
    ])
  })

  it('pairs the builder and runtime images', () => {
    const [builder, runtime] = parseDockerfile(output(c).dockerfile)
    expect(builder[0]).toEqual({
      keyword: 'FROM',
      args: `${c.builder} AS builder`
    })
    expect(runtime[0]).toEqual({ keyword: 'FROM', args: c.runtimeImage })
    const images = pairImages(c.runtime, project.python.version)
    expect([images.builder, images.runtime, images.python]).toEqual([
      c.builder,
      c.runtimeImage,
      c.python
    ])
  })

  it('builds the venv with that Python and copies it to the same path', () => {
    const [builder, runtime] = parseDockerfile(output(c).dockerfile)
    const made = instructions(builder, 'RUN')
      .flatMap(args => [...args.matchAll(VENV_MADE)])
      .map(match => ({ python: match[1], venv: match[2] }))
    expect(made).toContainEqual({ python: c.python, venv: VENV })
    expect(instructions(runtime, 'COPY')).toContain(
      `--from=builder ${VENV} ${VENV}`
    )
    const env = instructions(runtime, 'ENV').join(' ')
    expect(env).toContain(`VIRTUAL_ENV=${VENV} `)
    expect(env).toMatch(new RegExp(`PATH=${VENV}/bin:`))
  })

  it('runs as 65532:65532 with an exec-form CMD', () => {
    const stages = parseDockerfile(output(c).dockerfile)
    const runtime = stages[stages.length - 1]
    expect(stages).toHaveLength(2)
    expect(instructions(runtime, 'USER')).toEqual(['65532:65532'])
    const keywords = runtime.map(i => i.keyword)
    expect(keywords.indexOf('USER')).toBeLessThan(keywords.indexOf('CMD'))
    expect(keywords.at(-1)).toBe('CMD')
    expect(instructions(runtime, 'ENTRYPOINT')).toEqual(['[]'])
    const [cmd] = instructions(runtime, 'CMD')
    expect(JSON.parse(cmd)).toEqual(project.command.argv)
  })

  it('gives the baseline the same exec-form CMD', () => {
    const [stage, ...more] = parseDockerfile(output(c).baseline)
    expect(more).toEqual([])
    expect(stage[0]).toEqual({
      keyword: 'FROM',
      args: `python:${project.python.version}`
    })
    const [cmd] = instructions(stage, 'CMD')
    expect(JSON.parse(cmd)).toEqual(project.command.argv)
  })

  it('exposes the port and sets PYTHONPATH only when detected', () => {
    const [, runtime] = parseDockerfile(output(c).dockerfile)
    const env = instructions(runtime, 'ENV').join(' ')
    const { port, pythonPath } = project.command
    expect(instructions(runtime, 'EXPOSE')).toEqual(port ? [String(port)] : [])
    expect(env.includes(`PORT=${port}`)).toBe(Boolean(port))
    if (pythonPath) expect(env).toContain(`PYTHONPATH=/app/${pythonPath}`)
    else expect(env).not.toContain('PYTHONPATH')
    for (const text of [output(c).dockerfile, output(c).baseline]) {
      const envs = parseDockerfile(text)
        .flat()
        .filter(i => i.keyword === 'ENV')
        .map(i => i.args)
        .join(' ')
      expect(envs.includes('PYTHONPATH=/app/src')).toBe(Boolean(pythonPath))
    }
  })

  it('installs only the main group with Poetry', () => {
    const runs = parseDockerfile(output(c).dockerfile)
      .flat()
      .filter(i => i.keyword === 'RUN')
      .flatMap(i => i.args.split(' && '))
      .filter(command => / install\b/.test(command) && /poetry/.test(command))
      .filter(command => !command.includes('pip install poetry=='))
    if (project.packageManager.name !== 'poetry') {
      expect(runs).toEqual([])
      return
    }
    const installs = project.packageManager.installsProject ? 2 : 1
    expect(runs).toHaveLength(installs)
    for (const command of runs) expect(command).toContain('--only main')
    expect(runs[0]).toContain('--no-root')
  })

  it('holds no ARG and no secret value, and mounts the CA only on request', () => {
    for (const text of [output(c).dockerfile, output(c).baseline]) {
      const all = parseDockerfile(text).flat()
      expect(all.filter(i => i.keyword === 'ARG')).toEqual([])
      expect(text).not.toMatch(/BEGIN CERTIFICATE|ghs_|token/i)
      const runs = all.filter(i => i.keyword === 'RUN').map(i => i.args)
      const mounted = runs.filter(args =>
        args.includes('--mount=type=secret,id=ca-certificates,required=true')
      )
      const readsSecret = runs.filter(args => args.includes('/run/secrets/'))
      const downloads = runs.filter(args =>
        /\b(pip|poetry) install\b|bin\/(pip|poetry) install\b/.test(args)
      )
      if (c.caCertificates) {
        expect(mounted.length).toBeGreaterThan(0)
        expect(downloads.every(args => mounted.includes(args))).toBe(true)
        expect(readsSecret).toEqual(mounted)
      } else {
        expect(text).not.toMatch(/secret/i)
      }
    }
  })
})

describe('runtime pairing errors', () => {
  it.each(['3.12', '3.14'])(
    'refuses distroless for Python %s, naming the input runtime',
    version => {
      const project = sampleProject({
        python: { version, source: '.python-version' }
      })
      const error = thrownBy(() =>
        writeDockerfiles(
          { ...project, root: tempTree() },
          {
            runtime: { kind: 'distroless' },
            baseline: { kind: 'generated' },
            caCertificates: false
          }
        )
      )
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error.message).toMatch(
        /^Input runtime: distroless ships Python 3\.13/
      )
      expect(error.message).toContain(`needs ${version}`)
      expect(error.message).toMatch(/set runtime: slim/)
    }
  )

  it('chooses slim by itself for Python 3.12', () => {
    expect(pairImages({ kind: 'auto' }, '3.12').kind).toBe('slim')
    expect(pairImages({ kind: 'auto' }, '3.13').kind).toBe('distroless')
  })
})

describe('writeDockerfiles baselines', () => {
  it.each([
    {
      name: "auto: the project's own Dockerfile",
      baseline: { kind: 'auto' as const },
      ownDockerfile: true,
      expected: (root: string) => path.join(root, 'Dockerfile')
    },
    {
      name: 'a Dockerfile named by the baseline input',
      baseline: { kind: 'dockerfile' as const, path: '/elsewhere/Dockerfile' },
      ownDockerfile: true,
      expected: () => '/elsewhere/Dockerfile'
    }
  ])('$name', ({ baseline, ownDockerfile, expected }) => {
    const root = tempTree({ Dockerfile: 'FROM python:3.13\n' })
    const project = sampleProject({
      root,
      dockerfile: ownDockerfile ? path.join(root, 'Dockerfile') : undefined
    })
    const files = writeDockerfiles(project, {
      runtime: { kind: 'auto' },
      baseline,
      caCertificates: false
    })
    expect(files.baselineSource).toBe('project')
    expect(files.baselineDockerfile).toBe(expected(root))
    expect(files.written.map(f => path.basename(f))).toEqual([
      'Dockerfile',
      'Dockerfile.dockerignore'
    ])
  })

  it('generates a baseline for auto when the project has no Dockerfile', () => {
    const root = tempTree()
    const files = writeDockerfiles(sampleProject({ root }), {
      runtime: { kind: 'auto' },
      baseline: { kind: 'auto' },
      caCertificates: false
    })
    expect(files.baselineSource).toBe('generated')
    expect(files.baselineDockerfile).toBe(
      path.join(root, OUTPUT_DIR, 'baseline.Dockerfile')
    )
    expect(readFileSync(files.baselineDockerfile, 'utf8')).toBe(
      naiveDockerfile(sampleProject({ root }), { caCertificates: false })
    )
  })
})
