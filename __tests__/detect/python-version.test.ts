import { afterAll, describe, expect, it } from '@jest/globals'
import { ProjectFiles } from '../../src/detect/project-files.js'
import {
  DEFAULT_PYTHON,
  detectPythonVersion,
  type PythonVersion
} from '../../src/detect/python-version.js'
import { ConfigurationError } from '../../src/errors.js'
import {
  removeTempTrees,
  tempTree,
  thrownBy,
  type Tree
} from '../support/fixtures.js'

afterAll(removeTempTrees)

const pythonVersionFile = { '.python-version': '3.11.9\n' }
const requiresPython = {
  'pyproject.toml':
    '[project]\nname = "shop"\nrequires-python = ">=3.10,<3.13"\n'
}
const poetryPython = {
  'pyproject.toml':
    '[tool.poetry]\nname = "shop"\n\n[tool.poetry.dependencies]\npython = "~3.10"\n'
}
const bothInPyproject = {
  'pyproject.toml':
    '[project]\nname = "shop"\nrequires-python = ">=3.10,<3.13"\n\n' +
    '[tool.poetry.dependencies]\npython = "~3.10"\n'
}
const runtimeTxt = { 'runtime.txt': 'python-3.9.18\n' }

function detect(files: Tree, requested?: string) {
  return detectPythonVersion(new ProjectFiles(tempTree(files)), requested)
}

describe('detectPythonVersion precedence', () => {
  it.each<{ name: string; files: Tree; expected: PythonVersion }>([
    {
      name: 'nothing: the default',
      files: {},
      expected: { version: DEFAULT_PYTHON, source: 'default' }
    },
    {
      name: 'runtime.txt',
      files: runtimeTxt,
      expected: { version: '3.9', source: 'runtime.txt' }
    },
    {
      name: 'Poetry python beats runtime.txt',
      files: { ...poetryPython, ...runtimeTxt },
      expected: { version: '3.10', source: 'pyproject.toml Poetry python' }
    },
    {
      name: 'requires-python beats Poetry python',
      files: bothInPyproject,
      expected: { version: '3.12', source: 'pyproject.toml requires-python' }
    },
    {
      name: 'requires-python beats runtime.txt',
      files: { ...requiresPython, ...runtimeTxt },
      expected: { version: '3.12', source: 'pyproject.toml requires-python' }
    },
    {
      name: '.python-version beats everything in files',
      files: { ...pythonVersionFile, ...bothInPyproject, ...runtimeTxt },
      expected: { version: '3.11', source: '.python-version' }
    },
    {
      name: 'an empty .python-version is skipped',
      files: { '.python-version': '\n', ...requiresPython },
      expected: { version: '3.12', source: 'pyproject.toml requires-python' }
    },
    {
      name: 'a pyproject.toml without a Python constraint is skipped',
      files: { 'pyproject.toml': '[project]\nname = "shop"\n', ...runtimeTxt },
      expected: { version: '3.9', source: 'runtime.txt' }
    },
    {
      name: '.python-version: the first of several versions',
      files: { '.python-version': '3.12\n3.11\n' },
      expected: { version: '3.12', source: '.python-version' }
    },
    {
      name: 'runtime.txt without the python- prefix',
      files: { 'runtime.txt': '3.12.1' },
      expected: { version: '3.12', source: 'runtime.txt' }
    },
    {
      name: 'uv.lock requires-python',
      files: { 'uv.lock': 'version = 1\nrequires-python = ">=3.11, <3.13"\n' },
      expected: { version: '3.12', source: 'uv.lock requires-python' }
    },
    {
      name: 'uv.lock beats runtime.txt',
      files: {
        'uv.lock': 'version = 1\nrequires-python = "==3.10.*"\n',
        ...runtimeTxt
      },
      expected: { version: '3.10', source: 'uv.lock requires-python' }
    },
    {
      name: 'Poetry python beats uv.lock',
      files: {
        ...poetryPython,
        'uv.lock': 'version = 1\nrequires-python = ">=3.12"\n'
      },
      expected: { version: '3.10', source: 'pyproject.toml Poetry python' }
    },
    {
      name: 'Pipfile python_version',
      files: {
        Pipfile:
          '[packages]\nflask = "*"\n\n[requires]\npython_version = "3.12"\n'
      },
      expected: { version: '3.12', source: 'Pipfile python_version' }
    },
    {
      name: 'Pipfile python_full_version beats python_version',
      files: {
        Pipfile:
          '[requires]\npython_version = "3.12"\npython_full_version = "3.11.9"\n'
      },
      expected: { version: '3.11', source: 'Pipfile python_full_version' }
    },
    {
      name: 'runtime.txt beats the Pipfile',
      files: {
        Pipfile: '[requires]\npython_version = "3.12"\n',
        ...runtimeTxt
      },
      expected: { version: '3.9', source: 'runtime.txt' }
    },
    {
      name: '.tool-versions, the first python version on its line',
      files: {
        '.tool-versions': '# asdf\nnodejs 22.1.0\npython 3.12.1 3.11.4\n'
      },
      expected: { version: '3.12', source: '.tool-versions' }
    },
    {
      name: 'the Pipfile beats .tool-versions',
      files: {
        Pipfile: '[requires]\npython_version = "3.11"\n',
        '.tool-versions': 'python 3.12.1\n'
      },
      expected: { version: '3.11', source: 'Pipfile python_version' }
    },
    {
      name: '.tool-versions without python is skipped',
      files: { '.tool-versions': 'nodejs 22.1.0\n' },
      expected: { version: DEFAULT_PYTHON, source: 'default' }
    },
    {
      name: "Poetry's single | reads like ||",
      files: {
        'pyproject.toml':
          '[tool.poetry.dependencies]\npython = "~3.10 | ~3.11"\n'
      },
      expected: { version: '3.11', source: 'pyproject.toml Poetry python' }
    },
    {
      name: 'Poetry caret: the newest supported minor below 4',
      files: {
        'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.11"\n'
      },
      expected: { version: '3.14', source: 'pyproject.toml Poetry python' }
    }
  ])('$name', ({ files, expected }) => {
    expect(detect(files)).toEqual(expected)
  })

  it('the python-version input beats every file', () => {
    const files = { ...pythonVersionFile, ...bothInPyproject, ...runtimeTxt }
    expect(detect(files, '3.13')).toEqual({
      version: '3.13',
      source: 'input python-version'
    })
  })

  it('the input is used without reading a broken file', () => {
    const files = { 'pyproject.toml': '[project\n' }
    expect(detect(files, '3.12').version).toBe('3.12')
  })
})

describe('detectPythonVersion errors', () => {
  it.each<{ files: Tree; file: string; reason: RegExp }>([
    {
      files: { '.python-version': 'pypy3.10\n' },
      file: '.python-version',
      reason: /"pypy3\.10" is not a Python version or constraint/
    },
    {
      files: {
        'pyproject.toml': '[project]\nrequires-python = ">=three"\n'
      },
      file: 'pyproject.toml requires-python',
      reason: /">=three" is not a Python version or constraint/
    },
    {
      files: {
        'pyproject.toml': '[tool.poetry.dependencies]\npython = "latest"\n'
      },
      file: 'pyproject.toml Poetry python',
      reason: /"latest" is not a Python version/
    },
    {
      files: { 'runtime.txt': 'python-3.x\n' },
      file: 'runtime.txt',
      reason: /"3\.x" is not a Python version/
    },
    {
      files: { 'pyproject.toml': '[project]\nrequires-python = ">=3.15"\n' },
      file: 'pyproject.toml requires-python',
      reason: /admits none of the Python versions .*3\.9.*3\.14/
    },
    {
      files: { 'pyproject.toml': '[project]\nname = "shop\n' },
      file: 'pyproject.toml',
      reason:
        /is not valid TOML at line 2: .*; fix the file or set python-version\.$/
    },
    {
      files: { 'uv.lock': 'version = 1\nrequires-python = \n' },
      file: 'uv.lock',
      reason:
        /is not valid TOML at line 2: .*; fix the file or set python-version\.$/
    },
    {
      files: { Pipfile: '[requires\npython_version = "3.12"\n' },
      file: 'Pipfile',
      reason: /is not valid TOML at line 1: .*set python-version\.$/
    },
    {
      files: { Pipfile: '[requires]\npython_version = "three"\n' },
      file: 'Pipfile python_version',
      reason: /"three" is not a Python version or constraint/
    },
    {
      files: { '.tool-versions': 'python system\n' },
      file: '.tool-versions',
      reason: /"system" is not a Python version or constraint/
    }
  ])('$file: $reason', ({ files, file, reason }) => {
    const error = thrownBy(() => detect(files))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message.startsWith(file)).toBe(true)
    expect(error.message).toMatch(reason)
    expect(error.message).not.toContain('\n')
  })
})
