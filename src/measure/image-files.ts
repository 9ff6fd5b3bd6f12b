import type { LayerChange, PathSize } from './layer-contents.js'

/** Bytes a layer stores that no container can see. */
export interface WastedFile {
  path: string
  size: number
  /** Index of the layer that wrote the file. */
  layer: number
  /** Index of the later layer that overwrote or deleted it. */
  hiddenBy: number
  how: 'overwritten' | 'deleted'
}

export interface WastedBytes {
  /** Content bytes of files hidden by a later layer, each copy counted. */
  bytes: number
  files: number
  /** The largest of them, largest first. */
  largest: WastedFile[]
}

export interface FileSystemOptions {
  largestFileCount: number
  /** Directories at most this deep are totalled (`app/.venv/lib`: 3). */
  directoryDepth: number
}

/** A full Debian has some thousands of directories three levels deep. */
const MAX_DIRECTORIES = 500

/** A node of the file system the layers make, one path component each. */
interface Node {
  /** Content bytes of a regular file; 0 for the rest. */
  size: number
  /** The layer whose entry put this node here. */
  layer: number
  isDirectory: boolean
  children?: Map<string, Node>
}

/**
 * The file system an image's layers make, applied one on top of the
 * other as overlayfs does: a later entry replaces an earlier one at the
 * same path (a file over a directory hides all beneath it), a `.wh.NAME`
 * deletes NAME from the layers below, and an opaque marker empties its
 * directory of what the layers below put there. Holds a node per path,
 * never any content.
 */
export class ImageFileSystem {
  private readonly root: Node = dirNode(-1)
  private wastedBytesTotal = 0
  private wastedFiles = 0
  private readonly largestWaste: TopList<WastedFile>

  constructor(private readonly options: FileSystemOptions) {
    this.largestWaste = new TopList<WastedFile>(
      options.largestFileCount,
      bySizeThenPath
    )
  }

  /** Applies one layer's entries; layers must come oldest first. */
  apply(layer: number, changes: Iterable<LayerChange>): void {
    for (const change of changes) this.applyChange(layer, change)
  }

  /** Size of the regular file at `path` in the result, if there is one. */
  fileSize(path: string): number | undefined {
    const node = this.find(path)
    return node && !node.isDirectory ? node.size : undefined
  }

  /** Every non-directory under `directory` ('' for all), depth first. */
  *files(directory = ''): Generator<PathSize> {
    const start = directory ? this.find(directory) : this.root
    if (!start?.isDirectory) return
    for (const { path, size } of walkFiles(start, directory)) {
      yield { path, size }
    }
  }

  wastedBytes(): WastedBytes {
    return {
      bytes: this.wastedBytesTotal,
      files: this.wastedFiles,
      largest: this.largestWaste.items()
    }
  }

  /** The largest regular files the image shows, largest first. */
  largestFiles(): PathSize[] {
    const largest = new TopList(this.options.largestFileCount, bySizeThenPath)
    for (const file of this.files()) largest.add(file)
    return largest.items()
  }

  /** Bytes under each directory up to the depth asked, the largest 500. */
  directoryTotals(): PathSize[] {
    const totals = new Map<string, number>()
    for (const file of this.files()) {
      const parts = file.path.split('/')
      const depth = Math.min(parts.length - 1, this.options.directoryDepth)
      for (let i = 1; i <= depth; i++) {
        const directory = parts.slice(0, i).join('/')
        totals.set(directory, (totals.get(directory) ?? 0) + file.size)
      }
    }
    return [...totals]
      .map(([path, size]) => ({ path, size }))
      .sort(bySizeThenPath)
      .slice(0, MAX_DIRECTORIES)
  }

  private applyChange(layer: number, change: LayerChange): void {
    if (change.path === '') {
      if (change.kind === 'opaque') this.prune(this.root, '', layer)
      return
    }
    switch (change.kind) {
      case 'whiteout':
        this.delete(change.path, layer)
        return
      case 'opaque': {
        const directory = this.find(change.path)
        if (directory?.isDirectory) this.prune(directory, change.path, layer)
        return
      }
      case 'directory':
        this.putDirectory(change.path, layer)
        return
      default:
        this.putFile(change.path, change.size, layer)
    }
  }

  private putDirectory(path: string, layer: number): void {
    const { parent, name } = this.parentOf(path, layer)
    const existing = parent.children?.get(name)
    if (existing?.isDirectory) {
      existing.layer = layer
      return
    }
    if (existing) this.hide(existing, path, layer, 'overwritten')
    parent.children?.set(name, dirNode(layer))
  }

  private putFile(path: string, size: number, layer: number): void {
    const { parent, name } = this.parentOf(path, layer)
    const existing = parent.children?.get(name)
    if (existing) this.hide(existing, path, layer, 'overwritten')
    parent.children?.set(name, { size, layer, isDirectory: false })
  }

  private delete(path: string, layer: number): void {
    const slash = path.lastIndexOf('/')
    const parent = slash < 0 ? this.root : this.find(path.slice(0, slash))
    const name = path.slice(slash + 1)
    const existing = parent?.children?.get(name)
    if (!parent?.children || !existing) return
    this.hide(existing, path, layer, 'deleted')
    parent.children.delete(name)
  }

  /** Removes what lower layers put in a directory, keeping this layer's. */
  private prune(directory: Node, path: string, layer: number): void {
    for (const [name, child] of directory.children ?? []) {
      const childPath = path ? `${path}/${name}` : name
      if (child.isDirectory) {
        this.prune(child, childPath, layer)
        if (child.layer < layer && child.children?.size === 0) {
          directory.children?.delete(name)
        }
      } else if (child.layer < layer) {
        this.hide(child, childPath, layer, 'deleted')
        directory.children?.delete(name)
      }
    }
  }

  /** Counts the files of a subtree that a later entry hides. */
  private hide(
    node: Node,
    path: string,
    layer: number,
    how: WastedFile['how']
  ): void {
    const files = node.isDirectory
      ? walkFiles(node, path)
      : [{ path, size: node.size, layer: node.layer }]
    for (const file of files) {
      // Links and empty files waste a tar header, not content.
      if (file.size === 0) continue
      this.wastedBytesTotal += file.size
      this.wastedFiles++
      this.largestWaste.add({ ...file, hiddenBy: layer, how })
    }
  }

  /** The parent directory of `path`, made (as of `layer`) if missing. */
  private parentOf(path: string, layer: number) {
    const parts = path.split('/')
    const name = parts.pop() ?? ''
    let node = this.root
    let walked = ''
    for (const part of parts) {
      walked = walked ? `${walked}/${part}` : part
      let child = node.children?.get(part)
      if (!child?.isDirectory) {
        // A layer may list a file before, or without, its directory.
        if (child) this.hide(child, walked, layer, 'overwritten')
        child = dirNode(layer)
        node.children?.set(part, child)
      }
      node = child
    }
    return { parent: node, name }
  }

  private find(path: string): Node | undefined {
    let node: Node | undefined = this.root
    for (const part of path.split('/')) {
      node = node?.children?.get(part)
      if (!node) return undefined
    }
    return node
  }
}

interface FoundFile extends PathSize {
  layer: number
}

function* walkFiles(directory: Node, path: string): Generator<FoundFile> {
  for (const [name, child] of directory.children ?? []) {
    const childPath = path ? `${path}/${name}` : name
    if (child.isDirectory) yield* walkFiles(child, childPath)
    else yield { path: childPath, size: child.size, layer: child.layer }
  }
}

function dirNode(layer: number): Node {
  return { size: 0, layer, isDirectory: true, children: new Map() }
}

export function bySizeThenPath(a: PathSize, b: PathSize): number {
  return b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
}

/** Keeps the `limit` first items in `order`, sorting now and then. */
export class TopList<T> {
  private list: T[] = []

  constructor(
    private readonly limit: number,
    private readonly order: (a: T, b: T) => number
  ) {}

  add(item: T): void {
    if (this.limit <= 0) return
    this.list.push(item)
    if (this.list.length >= 2 * this.limit) this.list = this.items()
  }

  items(): T[] {
    return this.list.sort(this.order).slice(0, this.limit)
  }
}
