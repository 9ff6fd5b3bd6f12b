import { readTar, type TarHeader } from './tar.js'

export interface PathSize {
  path: string
  size: number
}

/** What a layer holds, for reports of what takes the space. */
export interface LayerContents {
  /** Regular files whose content the layer stores (not links, not whiteouts). */
  files: number
  /** Deletions of lower-layer paths: `.wh.` files, opaque-directory markers included. */
  whiteouts: number
  /** The largest regular files, largest first. */
  largestFiles: PathSize[]
  /**
   * Bytes of regular files per directory cut to `directoryDepth` components
   * (`usr/lib`, `app/.venv`; `.` for files at the root), largest first.
   */
  directories: PathSize[]
}

export interface ContentsOptions {
  largestFileCount: number
  directoryDepth: number
}

const WHITEOUT_PREFIX = '.wh.'
const OPAQUE_MARKER = '.wh..wh..opq'
/** RECORD files are a line per installed file; larger ones are skipped. */
const RECORD_SIZE_LIMIT = 4 * 1024 * 1024
const RECORD_PATH = /(?:^|\/)(?:site|dist)-packages\/[^/]+\.dist-info\/RECORD$/

/** One entry of a layer, as later layers see it. */
export interface LayerChange {
  /** Normalized path; for whiteouts, the path they delete. */
  path: string
  kind: 'file' | 'directory' | 'other' | 'whiteout' | 'opaque'
  /** Content bytes; 0 for all but regular files. */
  size: number
}

/** What one pass over a layer tar learns. */
export interface LayerScan {
  contents: LayerContents
  /** Every entry in order, to replay the layers on top of each other. */
  changes: LayerChange[]
  /** Installed distributions' RECORD files: path → text. */
  records: Map<string, string>
}

/**
 * Reads a layer tar's headers, and the text of the small RECORD files
 * of installed Python distributions; other contents are skipped, never
 * held.
 */
export async function scanLayer(
  layer: AsyncIterable<unknown>,
  options: ContentsOptions
): Promise<LayerScan> {
  const tally = new ContentsTally(options)
  const changes: LayerChange[] = []
  const records = new Map<string, string>()
  for await (const { header, body } of readTar(layer)) {
    tally.add(header)
    const change = layerChange(header)
    changes.push(change)
    if (isRecordFile(change)) {
      records.set(change.path, await readText(body))
    }
  }
  return { contents: tally.result(), changes, records }
}

/** Reads a layer tar's headers; contents are skipped, never held. */
export async function readLayerContents(
  layer: AsyncIterable<unknown>,
  options: ContentsOptions
): Promise<LayerContents> {
  return (await scanLayer(layer, options)).contents
}

function layerChange(header: TarHeader): LayerChange {
  const path = normalizeLayerPath(header.name)
  const slash = path.lastIndexOf('/')
  const base = path.slice(slash + 1)
  const directory = slash < 0 ? '' : path.slice(0, slash)
  if (base === OPAQUE_MARKER) {
    return { path: directory, kind: 'opaque', size: 0 }
  }
  if (base.startsWith(WHITEOUT_PREFIX)) {
    const deleted = base.slice(WHITEOUT_PREFIX.length)
    const target = directory ? `${directory}/${deleted}` : deleted
    return { path: target, kind: 'whiteout', size: 0 }
  }
  if (header.type === 'file') return { path, kind: 'file', size: header.size }
  if (header.type === 'directory') return { path, kind: 'directory', size: 0 }
  return { path, kind: 'other', size: 0 }
}

function isRecordFile(change: LayerChange): boolean {
  return (
    change.kind === 'file' &&
    change.size <= RECORD_SIZE_LIMIT &&
    RECORD_PATH.test(change.path)
  )
}

async function readText(body: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = []
  for await (const chunk of body) parts.push(chunk)
  return Buffer.concat(parts).toString('utf8')
}

class ContentsTally {
  private files = 0
  private whiteouts = 0
  private largest: PathSize[] = []
  private readonly directories = new Map<string, number>()

  constructor(private readonly options: ContentsOptions) {}

  add(header: TarHeader): void {
    const path = normalizeLayerPath(header.name)
    const base = path.slice(path.lastIndexOf('/') + 1)
    if (base.startsWith(WHITEOUT_PREFIX)) {
      this.whiteouts++
      return
    }
    if (header.type !== 'file') return
    this.files++
    const directory = directoryBucket(path, this.options.directoryDepth)
    this.directories.set(
      directory,
      (this.directories.get(directory) ?? 0) + header.size
    )
    this.keepIfLarge({ path, size: header.size })
  }

  result(): LayerContents {
    return {
      files: this.files,
      whiteouts: this.whiteouts,
      largestFiles: this.trimmedLargest(),
      directories: [...this.directories]
        .map(([path, size]) => ({ path, size }))
        .sort(largestFirst)
    }
  }

  private keepIfLarge(file: PathSize): void {
    const limit = this.options.largestFileCount
    if (limit <= 0) return
    this.largest.push(file)
    // Sorting once per `limit` files keeps this linear in practice.
    if (this.largest.length >= 2 * limit) this.largest = this.trimmedLargest()
  }

  private trimmedLargest(): PathSize[] {
    return this.largest
      .sort(largestFirst)
      .slice(0, this.options.largestFileCount)
  }
}

function largestFirst(a: PathSize, b: PathSize): number {
  return b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
}

/** `./usr/lib/` and `/usr/lib` are both `usr/lib`. */
export function normalizeLayerPath(name: string): string {
  return name
    .replace(/^(?:\.?\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/\/{2,}/g, '/')
}

export function directoryBucket(path: string, depth: number): string {
  const parts = path.split('/')
  parts.pop()
  if (parts.length === 0) return '.'
  return parts.slice(0, Math.max(1, depth)).join('/')
}
