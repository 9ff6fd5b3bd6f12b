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

/** Reads a layer tar's headers; contents are skipped, never held. */
export async function readLayerContents(
  layer: AsyncIterable<unknown>,
  options: ContentsOptions
): Promise<LayerContents> {
  const tally = new ContentsTally(options)
  for await (const { header } of readTar(layer)) tally.add(header)
  return tally.result()
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
