import { ConfigurationError } from './errors.js'

/**
 * Turns a command input into an argv array without a shell: either a JSON
 * array of strings, or words split on blanks with '…' and "…" quoting.
 */
export function splitCommand(text: string, inputName: string): string[] {
  return splitCommandLine(text, `Input ${inputName}`)
}

/**
 * splitCommand for text from anywhere; `origin` starts every error, e.g.
 * "Procfile web line".
 */
export function splitCommandLine(text: string, origin: string): string[] {
  const argv = text.trim().startsWith('[')
    ? parseJsonArray(text, origin)
    : splitWords(text, origin)
  if (argv.length === 0 || argv[0] === '') {
    throw new ConfigurationError(
      `${origin}: "${text}" names no program; expected a command ` +
        'such as "gunicorn app:app" or ["gunicorn", "app:app"].'
    )
  }
  return argv
}

function parseJsonArray(text: string, origin: string): string[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    throw new ConfigurationError(
      `${origin}: "${text}" is not a JSON array of strings; ` +
        'expected a form such as ["uvicorn", "app:app"].'
    )
  }
  return value as string[]
}

function splitWords(text: string, origin: string): string[] {
  const words: string[] = []
  let word = ''
  let quote: '"' | "'" | undefined
  let inWord = false
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined
      else word += char
    } else if (char === '"' || char === "'") {
      quote = char
      inWord = true
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += char
      inWord = true
    }
  }
  if (quote) {
    throw new ConfigurationError(
      `${origin}: "${text}" has an unclosed ${quote} quote; ` +
        'expected balanced quotes or a JSON array of strings.'
    )
  }
  if (inWord) words.push(word)
  return words
}

const SHELL_SYNTAX = /(&&|\|\||[|;<>`]|\$\{|\$[A-Za-z_(])/

/** True when a word only makes sense to a shell: `&&`, `$PORT`, `>`… */
export function needsShell(argv: string[]): boolean {
  return argv.some(word => SHELL_SYNTAX.test(word))
}

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|dash|ash|zsh)$/

/** True when the program itself is a shell: `sh -c "…"` in exec form. */
export function isShell(program: string): boolean {
  return SHELLS.test(program)
}

/**
 * Words back into one shell command line. Words with blanks or quotes are
 * single-quoted; the rest, operators and `$VAR` included, stay as they are
 * so that the shell still reads them.
 */
export function joinForShell(argv: string[]): string {
  return argv
    .map(word =>
      /[\s'"]/.test(word) || word === ''
        ? `'${word.replace(/'/g, `'\\''`)}'`
        : word
    )
    .join(' ')
}
