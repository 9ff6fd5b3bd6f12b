import { afterAll, describe, expect, it } from '@jest/globals'
import { ProjectFiles } from '../../src/detect/project-files.js'
import {
  detectStartCommand,
  moduleOf,
  portOf,
  type StartCommand
} from '../../src/detect/start-command.js'
import { ConfigurationError } from '../../src/errors.js'
import {
  capturingStdout,
  removeTempTrees,
  tempTree,
  thrownBy,
  type Tree
} from '../support/fixtures.js'

afterAll(removeTempTrees)

const fastapiApp = 'from fastapi import FastAPI\n\napp = FastAPI()\n'
const flaskApp = 'from flask import Flask\n\napp = Flask(__name__)\n'
const djangoSettings =
  "DEBUG = False\nWSGI_APPLICATION = 'mysite.wsgi.application'\n"

function detect(files: Tree, dependencies: string[] = [], command?: string[]) {
  const project = new ProjectFiles(tempTree(files))
  return capturingStdout(() =>
    detectStartCommand(project, command, new Set(dependencies))
  )
}

interface Case {
  name: string
  files: Tree
  dependencies?: string[]
  expected: StartCommand
}

const gunicornApp = (target: string) => [
  'gunicorn',
  '--bind',
  '0.0.0.0:8000',
  target
]
const uvicornApp = (target: string) => [
  'uvicorn',
  target,
  '--host',
  '0.0.0.0',
  '--port',
  '8000'
]

describe('detectStartCommand', () => {
  const cases: Case[] = [
    {
      name: 'Procfile web line with $PORT',
      files: {
        Procfile:
          'release: python manage.py migrate\n' +
          'web: gunicorn app:app --bind 0.0.0.0:$PORT --workers 2\n'
      },
      expected: {
        argv: [
          'gunicorn',
          'app:app',
          '--bind',
          '0.0.0.0:8000',
          '--workers',
          '2'
        ],
        source: 'Procfile web',
        port: 8000
      }
    },
    {
      name: 'Procfile web line with ${PORT:-5000}',
      files: { Procfile: 'web: uvicorn main:app --port ${PORT:-5000}\n' },
      expected: {
        argv: ['uvicorn', 'main:app', '--port', '8000'],
        source: 'Procfile web',
        port: 8000
      }
    },
    {
      name: 'Procfile web line with ${PORT} and Windows line endings',
      files: { Procfile: 'web: uvicorn main:app --port ${PORT}\r\n' },
      expected: {
        argv: ['uvicorn', 'main:app', '--port', '8000'],
        source: 'Procfile web',
        port: 8000
      }
    },
    {
      name: 'Procfile web line with a fixed port',
      files: { Procfile: 'web: gunicorn -b 0.0.0.0:5000 app:app\n' },
      expected: {
        argv: ['gunicorn', '-b', '0.0.0.0:5000', 'app:app'],
        source: 'Procfile web',
        port: 5000
      }
    },
    {
      name: 'Procfile beats a Django project',
      files: {
        Procfile: 'web: gunicorn mysite.wsgi\n',
        'manage.py': '',
        'mysite/settings.py': djangoSettings
      },
      dependencies: ['gunicorn'],
      expected: {
        argv: ['gunicorn', 'mysite.wsgi'],
        source: 'Procfile web',
        port: 8000
      }
    },
    {
      name: 'Procfile without a web line is skipped',
      files: { Procfile: 'worker: celery -A shop worker\n', 'main.py': '' },
      expected: {
        argv: ['python', 'main.py'],
        source: 'main.py',
        module: 'main'
      }
    },
    {
      name: 'Django: manage.py and WSGI_APPLICATION, served by gunicorn',
      files: {
        'manage.py': '#!/usr/bin/env python\n',
        'mysite/__init__.py': '',
        'mysite/settings.py': djangoSettings,
        'mysite/wsgi.py': 'application = get_wsgi_application()\n'
      },
      dependencies: ['django', 'gunicorn'],
      expected: {
        argv: gunicornApp('mysite.wsgi:application'),
        source: 'Django (mysite/settings.py)',
        port: 8000
      }
    },
    {
      name: 'FastAPI app object in app/main.py, served by uvicorn',
      files: { 'app/__init__.py': '', 'app/main.py': fastapiApp },
      dependencies: ['fastapi', 'uvicorn'],
      expected: {
        argv: uvicornApp('app.main:app'),
        source: 'FastAPI app in app/main.py',
        port: 8000
      }
    },
    {
      name: 'FastAPI app with an annotation and a qualified call',
      files: {
        'server.py':
          'import fastapi\napi: fastapi.FastAPI = fastapi.FastAPI(title="x")\n'
      },
      dependencies: ['fastapi', 'uvicorn'],
      expected: {
        argv: uvicornApp('server:api'),
        source: 'FastAPI app in server.py',
        port: 8000
      }
    },
    {
      name: 'Starlette app, served by uvicorn',
      files: { 'asgi.py': 'app = Starlette(routes=[])\n' },
      dependencies: ['starlette', 'uvicorn'],
      expected: {
        argv: uvicornApp('asgi:app'),
        source: 'Starlette app in asgi.py',
        port: 8000
      }
    },
    {
      name: 'Flask app in app.py with gunicorn among the dependencies',
      files: { 'app.py': flaskApp },
      dependencies: ['flask', 'gunicorn'],
      expected: {
        argv: gunicornApp('app:app'),
        source: 'Flask app in app.py',
        port: 8000
      }
    },
    {
      name: 'src layout: the app module without src, src on PYTHONPATH',
      files: {
        'src/shop/__init__.py': '',
        'src/shop/main.py': fastapiApp
      },
      dependencies: ['fastapi', 'uvicorn'],
      expected: {
        argv: uvicornApp('shop.main:app'),
        source: 'FastAPI app in src/shop/main.py',
        port: 8000,
        pythonPath: 'src'
      }
    },
    {
      name: 'an app object in tests/ is not the app',
      files: { 'tests/test_app.py': fastapiApp, 'main.py': 'print(1)\n' },
      dependencies: ['fastapi', 'uvicorn'],
      expected: {
        argv: ['python', 'main.py'],
        source: 'main.py',
        module: 'main'
      }
    },
    {
      name: 'the shallowest app object wins',
      files: { 'web.py': flaskApp, 'pkg/main.py': fastapiApp },
      dependencies: ['flask', 'gunicorn', 'fastapi', 'uvicorn'],
      expected: {
        argv: gunicornApp('web:app'),
        source: 'Flask app in web.py',
        port: 8000
      }
    },
    {
      name: 'a single [project.scripts] entry',
      files: {
        'pyproject.toml':
          '[project]\nname = "shop"\n\n[project.scripts]\nshop = "shop.cli:main"\n',
        'main.py': ''
      },
      expected: {
        argv: ['shop'],
        source: '[project.scripts] shop',
        module: 'shop.cli'
      }
    },
    {
      name: 'several [project.scripts] entries: none is chosen',
      files: {
        'pyproject.toml':
          '[project.scripts]\nshop = "shop.cli:main"\nadmin = "shop.admin:main"\n',
        'main.py': ''
      },
      expected: {
        argv: ['python', 'main.py'],
        source: 'main.py',
        module: 'main'
      }
    },
    {
      name: 'main.py',
      files: { 'main.py': 'print("hello")\n' },
      expected: {
        argv: ['python', 'main.py'],
        source: 'main.py',
        module: 'main'
      }
    },
    {
      name: 'app.py without an app object',
      files: { 'app.py': 'print("hello")\n' },
      expected: { argv: ['python', 'app.py'], source: 'app.py', module: 'app' }
    }
  ]

  it.each(cases)('$name', ({ files, dependencies, expected }) => {
    const { result, warnings } = detect(files, dependencies)
    expect(result).toEqual(expected)
    expect(warnings).toEqual([])
  })

  it('serves Flask with `flask run` and a warning without gunicorn', () => {
    const { result, warnings } = detect({ 'app.py': flaskApp }, ['flask'])
    expect(result).toEqual({
      argv: [
        'python',
        '-m',
        'flask',
        '--app',
        'app:app',
        'run',
        '--host',
        '0.0.0.0',
        '--port',
        '8000'
      ],
      source: 'Flask app in app.py',
      port: 8000
    })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/app\.py: Flask's own server .*add gunicorn/)
  })

  it.each([
    {
      name: 'the command input, with its port',
      command: ['uvicorn', 'app:app', '--port', '9000'],
      expected: {
        argv: ['uvicorn', 'app:app', '--port', '9000'],
        source: 'input command',
        port: 9000
      }
    },
    {
      name: 'the command input, without a port',
      command: ['python', '-m', 'worker'],
      expected: { argv: ['python', '-m', 'worker'], source: 'input command' }
    }
  ])('$name beats every file', ({ command, expected }) => {
    const files = { Procfile: 'web: gunicorn app:app\n', 'app.py': flaskApp }
    expect(detect(files, ['gunicorn'], command).result).toEqual(expected)
  })
})

describe('detectStartCommand errors', () => {
  it.each<{
    name: string
    files: Tree
    dependencies: string[]
    reason: RegExp
  }>([
    {
      name: 'Django without gunicorn',
      files: { 'manage.py': '', 'mysite/settings.py': djangoSettings },
      dependencies: ['django'],
      reason: /Found a Django app but gunicorn is not among .*set command/
    },
    {
      name: 'FastAPI without uvicorn',
      files: { 'app/main.py': fastapiApp },
      dependencies: ['fastapi'],
      reason: /Found a FastAPI app but uvicorn is not among .*add uvicorn/
    },
    {
      name: 'nothing to start',
      files: { 'lib/util.py': 'X = 1\n', 'README.md': '# shop\n' },
      dependencies: [],
      reason:
        /No start command found in .*looked for a Procfile web line.*Set command, e\.g\. command: /
    }
  ])('$name', ({ files, dependencies, reason }) => {
    const error = thrownBy(() => detect(files, dependencies))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(reason)
    expect(error.message).not.toContain('\n')
  })
})

describe('portOf', () => {
  it.each([
    [['uvicorn', 'app:app', '--port', '8080'], 8080],
    [['uvicorn', 'app:app', '--port=8080'], 8080],
    [['gunicorn', '--bind', '0.0.0.0:5000', 'app:app'], 5000],
    [['gunicorn', '--bind=0.0.0.0:5000', 'app:app'], 5000],
    [['gunicorn', '-b', '127.0.0.1:9000', 'app:app'], 9000],
    [['gunicorn', '-b=:9000', 'app:app'], 9000],
    [['gunicorn', '--bind', '[::]:8001', 'app:app'], 8001],
    [['flask', 'run', '-p', '3000'], 3000],
    [['serve', '--port', '80'], 80],
    [['gunicorn', '--bind', 'unix:/tmp/app.sock', 'app:app'], undefined],
    [['gunicorn', '-b', '0.0.0.0', 'app:app'], undefined],
    [['uvicorn', 'app:app', '--port', '$PORT'], undefined],
    [['uvicorn', 'app:app', '--port'], undefined],
    [['python', 'main.py'], undefined],
    [[], undefined]
  ])('%j → %p', (argv, port) => {
    expect(portOf(argv)).toBe(port)
  })
})

describe('moduleOf', () => {
  it.each([
    ['main.py', 'main'],
    ['app/main.py', 'app.main'],
    ['app/__init__.py', 'app'],
    ['src/shop/api/v1.py', 'shop.api.v1'],
    ['app\\main.py', 'app.main']
  ])('%p → %p', (file, module) => {
    expect(moduleOf(file)).toBe(module)
  })
})

describe('commands that need a shell', () => {
  it.each<{
    name: string
    files: Tree
    command?: string[]
    expected: StartCommand
  }>([
    {
      name: 'a Procfile line split like a command line, quotes honoured',
      files: {
        Procfile:
          "web: gunicorn --bind 0.0.0.0:$PORT --workers 2 'service:create_app()'\n"
      },
      expected: {
        argv: [
          'gunicorn',
          '--bind',
          '0.0.0.0:8000',
          '--workers',
          '2',
          'service:create_app()'
        ],
        source: 'Procfile web',
        port: 8000
      }
    },
    {
      name: 'a Procfile line with double quotes and a blank inside',
      files: {
        Procfile: 'web: python -m http.server "8001"  --directory "my site"\n'
      },
      expected: {
        argv: ['python', '-m', 'http.server', '8001', '--directory', 'my site'],
        source: 'Procfile web',
        port: 8000
      }
    },
    {
      name: 'a Procfile line with && runs in /bin/sh, as written',
      files: {
        Procfile:
          'web: python manage.py migrate && gunicorn -b 0.0.0.0:$PORT "mysite.wsgi"\n'
      },
      expected: {
        argv: [
          '/bin/sh',
          '-c',
          'python manage.py migrate && gunicorn -b 0.0.0.0:8000 "mysite.wsgi"'
        ],
        source: 'Procfile web',
        port: 8000,
        viaShell: true
      }
    },
    {
      name: 'a Procfile line with another variable',
      files: { Procfile: 'web: gunicorn --workers $WEB_CONCURRENCY app:app\n' },
      expected: {
        argv: ['/bin/sh', '-c', 'gunicorn --workers $WEB_CONCURRENCY app:app'],
        source: 'Procfile web',
        port: 8000,
        viaShell: true
      }
    },
    {
      name: 'an input with shell syntax, words re-joined and quoted',
      files: {},
      command: ['alembic', 'upgrade', 'head', '&&', 'echo', 'ready now'],
      expected: {
        argv: ['/bin/sh', '-c', "alembic upgrade head && echo 'ready now'"],
        source: 'input command',
        viaShell: true
      }
    },
    {
      name: 'an input that quotes a quote',
      files: {},
      command: ['echo', "it's", '>', '/tmp/out'],
      expected: {
        argv: ['/bin/sh', '-c', "echo 'it'\\''s' > /tmp/out"],
        source: 'input command',
        viaShell: true
      }
    },
    {
      name: 'an input that runs a shell itself is kept',
      files: {},
      command: ['sh', '-c', 'exec gunicorn --bind 0.0.0.0:8000 app:app'],
      expected: {
        argv: ['sh', '-c', 'exec gunicorn --bind 0.0.0.0:8000 app:app'],
        source: 'input command',
        viaShell: true
      }
    },
    {
      name: 'an input without shell syntax stays exec form',
      files: {},
      command: ['gunicorn', 'service:create_app()'],
      expected: {
        argv: ['gunicorn', 'service:create_app()'],
        source: 'input command'
      }
    }
  ])('$name', ({ files, command, expected }) => {
    expect(detect(files, [], command).result).toEqual(expected)
  })

  it.each<{ name: string; procfile: string; reason: RegExp }>([
    {
      name: 'an unclosed quote',
      procfile: "web: gunicorn 'app:app\n",
      reason: /^Procfile web line: "gunicorn 'app:app" has an unclosed ' quote/
    },
    {
      name: 'an empty web line',
      procfile: 'web:   \nworker: celery\n',
      reason: /^Procfile web line: "" names no program/
    },
    {
      name: 'a web line that is a broken JSON array',
      procfile: 'web: ["gunicorn", \n',
      reason: /^Procfile web line: .* is not a JSON array of strings/
    }
  ])('a Procfile with $name is a ConfigurationError', c => {
    const error = thrownBy(() => detect({ Procfile: c.procfile }))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(c.reason)
    expect(error.message).not.toContain('\n')
  })
})
