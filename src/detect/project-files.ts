import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { ConfigurationError } from '../errors.js'

/** The files of a project folder that detection reads, read once. */
export class ProjectFiles {
  private readonly cache = new Map<string, string | undefined>()

  constructor(readonly root: string) {}

  has(name: string): boolean {
    return existsSync(path.join(this.root, name))
  }

  text(name: string): string | undefined {
    if (!this.cache.has(name)) {
      const file = path.join(this.root, name)
      this.cache.set(
        name,
        isFile(file) ? readFileSync(file, 'utf8') : undefined
      )
    }
    return this.cache.get(name)
  }

  /**
   * The file parsed as TOML, undefined when absent. `remedy` ends the error
   * of a broken file: what else the user can do besides fixing it.
   */
  toml(name: string, remedy = 'set package-manager'): TomlTable | undefined {
    const text = this.text(name)
    if (text === undefined) return undefined
    try {
      return parseToml(text) as TomlTable
    } catch (error) {
      const where = error instanceof TomlError ? ` at line ${error.line}` : ''
      throw new ConfigurationError(
        `${name} is not valid TOML${where}: ${firstLine(error)}; fix the ` +
          `file or ${remedy}.`
      )
    }
  }

  /** The file parsed as a JSON object, undefined when absent. */
  jsonObject(name: string, remedy: string): JsonObject | undefined {
    const text = this.text(name)
    if (text === undefined) return undefined
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new ConfigurationError(
        `${name} is not valid JSON: ${firstLine(error)}; fix the file or ` +
          `${remedy}.`
      )
    }
    if (!isTable(value)) {
      throw new ConfigurationError(
        `${name} is not a JSON object; fix the file or ${remedy}.`
      )
    }
    return value as JsonObject
  }
}

export interface JsonObject {
  [key: string]: unknown
}

export type TomlValue =
  string | number | boolean | TomlValue[] | TomlTable | object
export interface TomlTable {
  [key: string]: TomlValue | undefined
}

/** Follows a dotted path through nested tables; undefined when absent. */
export function tableAt(
  table: TomlTable | undefined,
  ...keys: string[]
): TomlTable | undefined {
  let current: TomlValue | undefined = table
  for (const key of keys) {
    if (!isTable(current)) return undefined
    current = current[key]
  }
  return isTable(current) ? current : undefined
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function stringAt(table: TomlTable | undefined, key: string) {
  const value = table?.[key]
  return typeof value === 'string' ? value : undefined
}

export function stringsAt(table: TomlTable | undefined, key: string) {
  const value = table?.[key]
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : []
}

/** PEP 503 normalised distribution name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

/** The distribution name at the start of a PEP 508 requirement. */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)
  return match ? normalizeName(match[1]) : undefined
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0].replace(/[.:]\s*$/, '')
}

// A folder where a file is expected reads as absent, not as a crash.
function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile()
}
