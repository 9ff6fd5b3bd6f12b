import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Project } from '../../src/detect/index.js'
import { ConfigurationError } from '../../src/errors.js'
import { naiveDockerfile } from '../../src/generate/baseline.js'
import { APP_DIR, VENV } from '../../src/generate/dockerfile.js'
import { REMOVE_PIP } from '../../src/generate/instructions.js'
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
const uv = (
  overrides: Partial<Extract<Project['packageManager'], { name: 'uv' }>> = {}
): Project['packageManager'] => ({
  name: 'uv',
  version: '0.13.9',
  pinnedBy: 'venvship',
  installsProject: true,
  workspace: false,
  ...overrides
})
const pdm = (installsProject: boolean): Project['packageManager'] => ({
  name: 'pdm',
  version: '2.29.4',
  installsProject
})
const pipenv = (localPackages: boolean): Project['packageManager'] => ({
  name: 'pipenv',
  version: '2026.10.3',
  localPackages
})
const cli: Project['command'] = {
  argv: ['hello-cli'],
  source: '[project.scripts] hello-cli',
  module: 'hello_cli.main'
}
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
    name: 'uv-distroless-package',
    project: sampleProject({
      packageManager: uv(),
      command: { ...fastapi, pythonPath: 'src' },
      python: { version: '3.13', source: '.python-version' },
      dependencies: ['fastapi', 'uvicorn']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'uv-distroless-virtual-ca',
    project: sampleProject({
      packageManager: uv({ installsProject: false }),
      command: fastapi,
      dependencies: ['fastapi', 'uvicorn']
    }),
    runtime: { kind: 'auto' },
    caCertificates: true,
    ...distroless
  },
  {
    name: 'uv-workspace-required-version',
    project: sampleProject({
      packageManager: uv({
        version: '0.6.1',
        pinnedBy: 'pyproject.toml required-version',
        workspace: true
      }),
      command: { argv: ['ws-root'], source: '[project.scripts] ws-root' },
      dependencies: ['click', 'ws-lib', 'ws-root']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'uv-required-version-before-default-groups',
    project: sampleProject({
      packageManager: uv({
        version: '0.5.22',
        pinnedBy: 'uv.toml required-version'
      }),
      command: fastapi,
      dependencies: ['fastapi', 'uvicorn']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'uv-slim-python-3.12',
    project: sampleProject({
      packageManager: uv(),
      python: { version: '3.12', source: 'uv.lock requires-python' },
      command: fastapi,
      dependencies: ['fastapi', 'uvicorn']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    builder: 'python:3.12',
    runtimeImage: 'python:3.12-slim',
    python: '/usr/local/bin/python3'
  },
  {
    name: 'pdm-distroless-application',
    project: sampleProject({ packageManager: pdm(false) }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'pdm-distroless-library-ca',
    project: sampleProject({ packageManager: pdm(true) }),
    runtime: { kind: 'auto' },
    caCertificates: true,
    ...distroless
  },
  {
    name: 'pipenv-distroless',
    project: sampleProject({
      packageManager: pipenv(false),
      python: { version: '3.13', source: 'Pipfile python_version' },
      command: {
        argv: ['gunicorn', '--bind', '0.0.0.0:8000', 'service:create_app()'],
        source: 'Procfile web',
        port: 8000
      }
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'pipenv-distroless-local-package-ca',
    project: sampleProject({ packageManager: pipenv(true) }),
    runtime: { kind: 'auto' },
    caCertificates: true,
    ...distroless
  },
  {
    name: 'pyproject-distroless-cli',
    project: sampleProject({
      packageManager: {
        name: 'pyproject',
        manifest: 'pyproject.toml',
        devGroups: ['dev'],
        devExtras: ['test']
      },
      command: cli,
      dependencies: ['click']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'pyproject-setup-py-slim',
    project: sampleProject({
      packageManager: {
        name: 'pyproject',
        manifest: 'setup.py',
        devGroups: [],
        devExtras: []
      },
      python: { version: '3.12', source: 'runtime.txt' }
    }),
    runtime: { kind: 'slim' },
    caCertificates: false,
    builder: 'python:3.12',
    runtimeImage: 'python:3.12-slim',
    python: '/usr/local/bin/python3'
  },
  {
    name: 'pip-project-script',
    project: sampleProject({
      packageManager: {
        name: 'pip',
        requirements: ['requirements.txt'],
        devRequirements: ['requirements-dev.txt'],
        installsProject: true
      },
      command: cli,
      dependencies: ['click']
    }),
    runtime: { kind: 'auto' },
    caCertificates: false,
    ...distroless
  },
  {
    name: 'pip-slim-shell-command',
    project: sampleProject({
      command: {
        argv: ['/bin/sh', '-c', 'python manage.py migrate && gunicorn app:app'],
        source: 'Procfile web',
        port: 8000,
        viaShell: true
      }
    }),
    runtime: { kind: 'slim' },
    caCertificates: false,
    builder: 'python:3.13',
    runtimeImage: 'python:3.13-slim',
    python: '/usr/local/bin/python3'
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

/**
 * Every shell command of every RUN, continuation lines joined, without
 * the mounts and the CA exports.
 */
function commandsOf(dockerfile: string): string[] {
  return parseDockerfile(dockerfile)
    .flat()
    .filter(i => i.keyword === 'RUN')
    .flatMap(i => i.args.replace(/^(--mount=\S+ )+/, '').split(' && '))
    .filter(command => !command.startsWith('export SSL_CERT_FILE='))
}

type ManagerName = Project['packageManager']['name']

/** The command that installs the app's dependencies, per manager. */
const INSTALL: Record<ManagerName, RegExp> = {
  pip: /\/app\/\.venv\/bin\/pip install/,
  poetry: /poetry install/,
  uv: /uv sync/,
  pdm: /pdm install/,
  pipenv: /pipenv install/,
  pyproject: /\/app\/\.venv\/bin\/pip install/
}

/** What makes each install refuse a stale lock and skip dev groups. */
const LOCKED_FLAGS: Record<ManagerName, RegExp[]> = {
  pip: [/--require-virtualenv/],
  poetry: [/--only main/],
  uv: [/--(locked|frozen) --no-(default-groups|dev)\b/],
  pdm: [/--check --prod --frozen-lockfile/],
  pipenv: [/ install --deploy$/],
  pyproject: [/--require-virtualenv/]
}

/** What the naive baseline installs on top: the tool and dev groups. */
const NAIVE: Record<ManagerName, RegExp> = {
  pip: /pip install -r requirements\.txt -r requirements-dev\.txt/,
  poetry: /pip install poetry==.* poetry install --no-root --no-interaction/,
  uv: /pip install uv==[\d.]+ && uv sync --locked(?! --no)/,
  pdm: /pip install pdm==[\d.]+ .* pdm install --frozen-lockfile$/,
  pipenv: /pip install pipenv==[\d.]+ .* pipenv install --dev --deploy/,
  pyproject: /pip install (\.|'\.\[test\]' --group dev)$/
}

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
    const runs = commandsOf(output(c).dockerfile)
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

  it('installs from the lock, failing when stale, without dev dependencies', () => {
    const { name } = project.packageManager
    const installs = commandsOf(output(c).dockerfile).filter(command =>
      INSTALL[name].test(command)
    )
    expect(installs.length).toBeGreaterThan(0)
    for (const command of installs) {
      for (const flag of LOCKED_FLAGS[name]) expect(command).toMatch(flag)
      expect(command).not.toMatch(/--dev\b|--all-groups|--group\b|--with\b/)
    }
    // The last install sees the whole source, and checks the lock.
    const last = installs.at(-1) ?? ''
    if (name === 'uv') expect(last).toContain('--locked')
  })

  it('ships nothing from the builder but the venv, and no tool', () => {
    const stages = parseDockerfile(output(c).dockerfile)
    const runtime = stages[stages.length - 1]
    const copies = pairImages(c.runtime, project.python.version).runtimeCopies
    expect(instructions(runtime, 'COPY')).toEqual([
      `. ${APP_DIR}`,
      ...copies.map(dir => `--from=builder ${dir} ${dir}`),
      `--from=builder ${VENV} ${VENV}`
    ])
    const runs = instructions(runtime, 'RUN')
    expect(runs.every(args => args.startsWith('useradd '))).toBe(true)
    const builderRuns = instructions(stages[0], 'RUN').join(' && ')
    // Tools live in /opt, never in the venv that ships.
    expect(builderRuns).not.toMatch(
      /\/app\/\.venv\/bin\/pip install (poetry|uv|pdm|pipenv)\b/
    )
    const venvWithPip = builderRuns.match(/-m venv \/app\/\.venv/)
    if (venvWithPip) expect(builderRuns).toContain(REMOVE_PIP)
  })

  it('gives the naive baseline the tool and the dev dependencies', () => {
    const commands = commandsOf(output(c).baseline).join(' && ')
    expect(commands).toMatch(NAIVE[project.packageManager.name])
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
        /\b(pip|poetry|pdm|pipenv) install\b|\buv sync\b/.test(args)
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

describe('a standalone CPython on distroless', () => {
  it.each(['3.12', '3.14'])(
    'pairs Python %s with a relocatable CPython copied to the same path',
    version => {
      const images = pairImages({ kind: 'distroless' }, version)
      expect(images).toMatchObject({
        kind: 'standalone',
        builder: 'debian:13-slim',
        runtime: 'gcr.io/distroless/cc-debian13:nonroot',
        python: '/opt/python/python3',
        runtimeCopies: ['/opt/python'],
        runtimeHasShell: false
      })
      const project = sampleProject({
        python: { version, source: '.python-version' }
      })
      const root = tempTree()
      const files = writeDockerfiles(
        { ...project, root },
        {
          runtime: { kind: 'distroless' },
          baseline: { kind: 'generated' },
          caCertificates: false
        }
      )
      const text = readFileSync(files.dockerfile, 'utf8')
      expect(text).toContain(`uv python install ${version}`)
      expect(text).toContain('/opt/python/python3 -m venv')
      expect(text).toContain('COPY --from=builder /opt/python /opt/python')
      expect(text).toContain('FROM gcr.io/distroless/cc-debian13:nonroot')
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

describe('commands that need a shell', () => {
  const shellCommand: Project['command'] = {
    argv: ['/bin/sh', '-c', 'python manage.py migrate && gunicorn app:app'],
    source: 'Procfile web',
    port: 8000,
    viaShell: true
  }
  const write = (runtime: RuntimeChoice) =>
    writeDockerfiles(
      { ...sampleProject({ command: shellCommand }), root: tempTree() },
      { runtime, baseline: { kind: 'generated' }, caCertificates: false }
    )

  it.each<RuntimeChoice>([{ kind: 'auto' }, { kind: 'distroless' }])(
    'are refused on distroless (%j), naming the source and the remedies',
    runtime => {
      const error = thrownBy(() => write(runtime))
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error.message).toBe(
        'Procfile web: "python manage.py migrate && gunicorn app:app" needs ' +
          'a shell (it uses &&, a pipe, a redirection or $VARIABLES), and ' +
          'the runtime gcr.io/distroless/python3-debian13:nonroot has none; ' +
          'set runtime: slim, or set command to an exec-form command such ' +
          'as ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"].'
      )
    }
  )

  it.each<RuntimeChoice>([
    { kind: 'slim' },
    { kind: 'image', image: 'ghcr.io/acme/python:3.13' }
  ])('run through /bin/sh -c on a runtime with a shell (%j)', runtime => {
    const files = write(runtime)
    const text = readFileSync(files.dockerfile, 'utf8')
    expect(text).toContain(
      'CMD ["/bin/sh", "-c", "python manage.py migrate && gunicorn app:app"]'
    )
  })

  it('keep a newline or quote from becoming an instruction', () => {
    const argv = ['/bin/sh', '-c', 'echo "a"\nRUN rm -rf /']
    const root = tempTree()
    const files = writeDockerfiles(
      {
        ...sampleProject({
          command: { argv, source: 'input command', viaShell: true }
        }),
        root
      },
      {
        runtime: { kind: 'slim' },
        baseline: { kind: 'generated' },
        caCertificates: false
      }
    )
    for (const file of [files.dockerfile, files.baselineDockerfile]) {
      const text = readFileSync(file, 'utf8')
      expect(text).not.toMatch(/^RUN rm/m)
      expect(text).toContain('"echo \\"a\\"\\nRUN rm -rf /"')
    }
  })
})
