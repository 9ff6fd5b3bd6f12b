import { posix } from 'node:path'
import type { ImageFileSystem } from './image-files.js'

/** An installed Python distribution and the bytes it takes. */
export interface DistributionSize {
  name: string
  version: string
  /** The site-packages directory it is installed in. */
  location: string
  /** Bytes of its files in the image, bytecode compiled later included. */
  size: number
  files: number
}

interface Owned {
  distribution: DistributionSize
  path: string
}

/**
 * Sizes the distributions whose `*.dist-info/RECORD` the image still has.
 * A RECORD lists the files an installer wrote, relative to site-packages
 * (scripts in `bin/` as `../../../bin/...`); their sizes are read from the
 * image, not from the RECORD, since bytecode compiled after installing
 * (uv, `compileall`) is not listed: a `__pycache__/X.cpython-313.pyc`
 * belongs to whoever owns `X.py`.
 */
export function distributionSizes(
  records: Map<string, string>,
  files: ImageFileSystem
): DistributionSize[] {
  const owners = new Map<string, DistributionSize>()
  const found: DistributionSize[] = []
  for (const [recordPath, text] of records) {
    if (files.fileSize(recordPath) === undefined) continue
    const distribution = describe(recordPath)
    found.push(distribution)
    for (const { path } of ownedPaths(recordPath, text, distribution)) {
      owners.set(path, distribution)
    }
  }
  const locations = new Set(found.map(d => d.location))
  for (const location of locations) {
    for (const file of files.files(location)) {
      const owner = owners.get(file.path) ?? owners.get(bytecodeSource(file))
      if (!owner) continue
      owner.size += file.size
      owner.files++
    }
  }
  // Files outside site-packages: console scripts, data files.
  for (const [path, owner] of owners) {
    if (isUnder(path, owner.location)) continue
    const size = files.fileSize(path)
    if (size === undefined) continue
    owner.size += size
    owner.files++
  }
  return found.sort((a, b) => b.size - a.size || compare(a.name, b.name))
}

function describe(recordPath: string): DistributionSize {
  const infoDirectory = posix.dirname(recordPath)
  const stem = posix.basename(infoDirectory).replace(/\.dist-info$/, '')
  // Names in dist-info directories are normalized: '-' only separates.
  const dash = stem.indexOf('-')
  return {
    name: dash < 0 ? stem : stem.slice(0, dash),
    version: dash < 0 ? '' : stem.slice(dash + 1),
    location: posix.dirname(infoDirectory),
    size: 0,
    files: 0
  }
}

function* ownedPaths(
  recordPath: string,
  text: string,
  distribution: DistributionSize
): Generator<Owned> {
  for (const line of text.split(/\r?\n/)) {
    const listed = firstCsvField(line)
    if (!listed) continue
    const joined = posix.join(distribution.location, listed)
    // A path that climbs out of the image is not a file of it.
    if (joined.startsWith('../') || joined.startsWith('/')) continue
    yield { distribution, path: joined }
  }
  yield { distribution, path: recordPath }
}

/** The first field of a CSV line: RECORD quotes paths with commas. */
export function firstCsvField(line: string): string {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(',')
    return comma < 0 ? line : line.slice(0, comma)
  }
  let field = ''
  for (let i = 1; i < line.length; i++) {
    if (line[i] !== '"') field += line[i]
    else if (line[i + 1] === '"') field += line[i++]
    else break
  }
  return field
}

/** `pkg/__pycache__/mod.cpython-313.opt-1.pyc` → `pkg/mod.py`. */
export function bytecodeSource(file: { path: string }): string {
  const match = /^(.*\/)?__pycache__\/([^/.]+)\.[^/]*\.pyc$/.exec(file.path)
  return match ? `${match[1] ?? ''}${match[2]}.py` : ''
}

function isUnder(path: string, directory: string): boolean {
  return path.startsWith(`${directory}/`)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
