import { describe, expect, it } from '@jest/globals'
import {
  isShell,
  joinForShell,
  needsShell,
  splitCommand,
  splitCommandLine
} from '../../src/command-line.js'
import { ConfigurationError } from '../../src/errors.js'
import { thrownBy } from '../support/fixtures.js'

describe('splitCommand', () => {
  it.each([
    ['gunicorn app:app', ['gunicorn', 'app:app']],
    [
      '  uvicorn   main:app\t--port 80 ',
      ['uvicorn', 'main:app', '--port', '80']
    ],
    ['["uvicorn", "app:app"]', ['uvicorn', 'app:app']],
    ['  ["python", "-m", "my app"]  ', ['python', '-m', 'my app']],
    ['["echo", "a && b"]', ['echo', 'a && b']],
    [`python -c "print('hi')"`, ['python', '-c', "print('hi')"]],
    [`python -c 'print("hi")'`, ['python', '-c', 'print("hi")']],
    ['echo "two words" \'and more\'', ['echo', 'two words', 'and more']],
    ['echo ""', ['echo', '']],
    ['a"b c"d', ['ab cd']],
    ['serve --name="my app"', ['serve', '--name=my app']]
  ])('splits %p', (text, argv) => {
    expect(splitCommand(text, 'command')).toEqual(argv)
  })

  it.each([
    ['', /names no program/],
    ['   ', /names no program/],
    ['[]', /names no program/],
    ['[""]', /names no program/],
    ['""', /names no program/],
    ['["python", 3]', /not a JSON array of strings/],
    ['["python", "app.py"', /not a JSON array of strings/],
    ['[python app.py]', /not a JSON array of strings/],
    ['python -c "print(1)', /unclosed " quote/],
    ["python -c 'print(1)", /unclosed ' quote/]
  ])('rejects %p', (text, reason) => {
    const error = thrownBy(() => splitCommand(text, 'smoke-test'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(reason)
    expect(error.message).toMatch(/^Input smoke-test: /)
    expect(error.message).toContain(`"${text}"`)
    expect(error.message).toMatch(/expected/)
  })
})

describe('needsShell', () => {
  it.each([
    [['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'], false],
    [['python', '-c', 'print(1)'], false],
    [['echo', 'costs $5'], false],
    [['echo', 'a=b'], false],
    [['uvicorn', 'app:app', '--port', '$PORT'], true],
    [['uvicorn', 'app:app', '--port', '${PORT}'], true],
    [['echo', '$(date)'], true],
    [['migrate', '&&', 'serve'], true],
    [['a', '||', 'b'], true],
    [['ls', '|', 'wc'], true],
    [['a;', 'b'], true],
    [['serve', '>', 'log'], true],
    [['cat', '<', 'in'], true],
    [['echo', '`date`'], true]
  ])('%p → %p', (argv, expected) => {
    expect(needsShell(argv)).toBe(expected)
  })
})

describe('splitCommandLine', () => {
  it('names where the text came from in its errors', () => {
    const error = thrownBy(() =>
      splitCommandLine("gunicorn 'app:app", 'Procfile web line')
    )
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(
      /^Procfile web line: "gunicorn 'app:app" has an unclosed ' quote/
    )
  })

  it('splits like splitCommand', () => {
    expect(splitCommandLine("a 'b c' d", 'Procfile web line')).toEqual([
      'a',
      'b c',
      'd'
    ])
  })
})

describe('isShell', () => {
  it.each([
    ['sh', true],
    ['/bin/sh', true],
    ['/usr/bin/bash', true],
    ['bash', true],
    ['dash', true],
    ['shell', false],
    ['/opt/sh/gunicorn', false],
    ['python', false]
  ])('%p → %p', (program, expected) => {
    expect(isShell(program)).toBe(expected)
  })
})

describe('joinForShell', () => {
  it.each([
    [['migrate', '&&', 'serve'], 'migrate && serve'],
    [['serve', '--port', '$PORT'], 'serve --port $PORT'],
    [['echo', 'two words'], "echo 'two words'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['echo', 'say "hi"'], `echo 'say "hi"'`],
    [['echo', ''], "echo ''"]
  ])('%p → %p', (argv, line) => {
    expect(joinForShell(argv)).toBe(line)
  })
})
