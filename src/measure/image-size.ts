import { availableParallelism } from 'node:os'
import { posix } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { distributionSizes, type DistributionSize } from './distributions.js'
import {
  type CompressionMethod,
  chooseCompression,
  GzipCommandCounter
} from './gzip-command.js'
import { CompressionPool, GzipSizeCounter } from './gzip-size.js'
import { field, layerInstructions } from './history.js'
import { ImageFileSystem, type WastedBytes } from './image-files.js'
import {
  normalizeLayerPath,
  scanLayer,
  type ContentsOptions,
  type LayerContents,
  type LayerScan,
  type PathSize
} from './layer-contents.js'
import { peek, passThrough, type UpstreamState } from './streams.js'
import { isTarHeader, readTar, TAR_BLOCK_SIZE, TarFormatError } from './tar.js'

export interface LayerMeasurement extends LayerContents {
  /** The layer's diff ID from the image config, else its blob digest. */
  digest: string
  /** The digest the archive stores the layer under, when it names one. */
  blobDigest?: string
  /** Bytes of the uncompressed layer tar. */
  size: number
  /**
   * Bytes of the layer tar gzipped at level 6, what a registry stores,
   * computed from the tar whether the archive holds it compressed or not.
   */
  compressedSize: number
  /** The compressed size was known from an earlier run (same blob digest). */
  compressedSizeCached: boolean
  /** Bytes the archive holds for the layer, when it holds it compressed. */
  storedSize?: number
  /** The instruction that made the layer, from the config's history. */
  createdBy?: string
}

export interface ImageMeasurement {
  /** Sum of the layer tar sizes, each distinct layer once. */
  size: number
  /** Sum of compressed layer sizes, each distinct layer once, plus the config. */
  compressedSize: number
  configSize: number
  compression: CompressionMethod
  /** In manifest order; a layer listed twice appears twice. */
  layers: LayerMeasurement[]
  /** The largest regular files of the image's file system. */
  largestFiles: PathSize[]
  /** Bytes under each directory of the image's file system, largest first. */
  directories: PathSize[]
  /** Installed Python distributions, largest first. */
  distributions: DistributionSize[]
  /** Files that layers store but later layers overwrote or deleted. */
  wasted: WastedBytes
}

export interface MeasureOptions {
  /** How many of each layer's largest files to list (default 200). */
  largestFileCount?: number
  /** Path components that name a directory bucket (default 2: `usr/lib`). */
  directoryDepth?: number
  /** Directories of the image's file system totalled this deep (default 3). */
  fileSystemDepth?: number
  /** Compressions at once (default: one per CPU for gzip, at most 4 for zlib). */
  concurrency?: number
  /**
   * `gzip` (default) runs GNU gzip -6, which every other tool agrees
   * with; `zlib` uses Node's, 1 to 2% off. Without a gzip command, zlib.
   */
  compressor?: 'gzip' | 'zlib'
  /** Compressed sizes already known, by blob digest: those layers are not compressed again. */
  knownCompressedSizes?: ReadonlyMap<string, number>
}

/** The archive is a tar, but not the output of `docker save IMAGE`. */
export class ImageArchiveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImageArchiveError'
  }
}

const DEFAULT_LARGEST_FILE_COUNT = 200
const DEFAULT_DIRECTORY_DEPTH = 2
const DEFAULT_FILE_SYSTEM_DEPTH = 3
/** Non-layer files up to this size are kept to read manifest and config. */
const KEPT_FILE_LIMIT = 1024 * 1024
/** ... and no more than this in all, whatever the archive holds. */
const KEPT_TOTAL_LIMIT = 64 * 1024 * 1024
const MAX_LINK_HOPS = 16

/**
 * Measures the output of `docker save IMAGE` as it streams by: the OCI
 * layout of engines 25 and later as well as the legacy one, layers stored
 * as tars (classic image store) or gzipped (containerd's). Every layer tar
 * is compressed by `gzip -6` only to count the bytes, its file list is
 * read on the way, and the layers are then laid over each other to see
 * the image's file system: its largest paths, its Python distributions,
 * and the bytes that later layers hide. Nothing is written to disk.
 * Rejects with a TarFormatError or an ImageArchiveError, whose messages
 * need no stack, if the stream is not a complete save of one image, and
 * with the stream's own error if reading it fails.
 */
export async function measureSavedImage(
  source: AsyncIterable<unknown>,
  options: MeasureOptions = {}
): Promise<ImageMeasurement> {
  const settings = await resolveOptions(options)
  const archive = await readSaveArchive(source, settings)
  return resolveImage(archive, settings)
}

interface Settings extends ContentsOptions {
  fileSystemDepth: number
  compression: CompressionMethod
  pool: CompressionPool
  known: ReadonlyMap<string, number>
}

async function resolveOptions(options: MeasureOptions): Promise<Settings> {
  const largestFileCount =
    options.largestFileCount ?? DEFAULT_LARGEST_FILE_COUNT
  const directoryDepth = options.directoryDepth ?? DEFAULT_DIRECTORY_DEPTH
  const fileSystemDepth = options.fileSystemDepth ?? DEFAULT_FILE_SYSTEM_DEPTH
  if (!Number.isInteger(largestFileCount) || largestFileCount < 0) {
    throw new RangeError('largestFileCount must be a whole number')
  }
  for (const [name, depth] of Object.entries({
    directoryDepth,
    fileSystemDepth
  })) {
    if (!Number.isInteger(depth) || depth < 1) {
      throw new RangeError(`${name} must be a positive whole number`)
    }
  }
  const compression = await chooseCompression(options.compressor)
  const useGzip = compression === 'gzip -6'
  const concurrency =
    options.concurrency ?? (useGzip ? availableParallelism() : undefined)
  return {
    largestFileCount,
    directoryDepth,
    fileSystemDepth,
    compression,
    pool: new CompressionPool(concurrency),
    known: options.knownCompressedSizes ?? new Map()
  }
}

/** Counts what gzip -6 would write, keeping none of it. */
interface SizeCounter {
  write(chunk: Buffer): Promise<void>
  end(): Promise<number>
}

function sizeCounter(settings: Settings, known?: number): SizeCounter {
  if (known !== undefined) {
    return { write: async () => undefined, end: async () => known }
  }
  return settings.compression === 'gzip -6'
    ? new GzipCommandCounter(settings.pool)
    : new GzipSizeCounter(settings.pool)
}

type BlobFormat = 'tar' | 'gzip' | 'zstd' | 'other'

/** What we learnt of one file of the archive. */
interface BlobFigures {
  format: BlobFormat
  size: number
  compressedSize: number
  compressedSizeCached?: boolean
  /** Bytes as the archive holds them, for layers it holds compressed. */
  storedSize?: number
  scan?: LayerScan
  /** Why a blob that looked like a layer could not be read as one. */
  problem?: string
  /** The bytes of a small file that is not a layer, to parse as JSON. */
  text?: Buffer
}

/** Figures still being compressed when the archive moves on. */
interface PendingFigures {
  figures: Promise<BlobFigures>
}

interface StoredFile {
  size: number
  /** Settles once the file's last block has been compressed. */
  figures: Promise<BlobFigures>
}

interface SaveArchive {
  files: Map<string, StoredFile>
  /** Symbolic and hard links between paths, resolved to archive paths. */
  links: Map<string, string>
}

async function readSaveArchive(
  source: AsyncIterable<unknown>,
  settings: Settings
): Promise<SaveArchive> {
  const archive: SaveArchive = { files: new Map(), links: new Map() }
  const keep = { budget: KEPT_TOTAL_LIMIT }
  for await (const { header, body } of readTar(source)) {
    const path = normalizeLayerPath(header.name)
    if (header.type === 'file') {
      const known = settings.known.get(blobDigest(path) ?? '')
      const blob = { size: header.size, known }
      const { figures } = await measureBlob(body, blob, settings, keep)
      // Awaited when resolving; until then a failure must not go unhandled.
      figures.catch(() => undefined)
      archive.files.set(path, { size: header.size, figures })
    } else if (header.type === 'symlink') {
      const target = posix.join(posix.dirname(path), header.linkName)
      archive.links.set(path, normalizeLayerPath(target))
    } else if (header.type === 'hardlink') {
      archive.links.set(path, normalizeLayerPath(header.linkName))
    }
  }
  return archive
}

/**
 * Reads one file of the archive to its end. Compression may still be
 * running when this returns, so the figures come as a promise, letting the
 * next file stream in meanwhile.
 */
/** A file of the archive, and its compressed size if already known. */
interface BlobInfo {
  size: number
  known?: number
}

async function measureBlob(
  body: AsyncIterable<Buffer>,
  blob: BlobInfo,
  settings: Settings,
  keep: { budget: number }
): Promise<PendingFigures> {
  const { head, chunks } = await peek(body, TAR_BLOCK_SIZE)
  const size = blob.size
  switch (blobFormat(head)) {
    case 'tar':
      return measureTarBlob(chunks, blob, settings)
    case 'gzip':
      return measureGzipBlob(chunks, blob, settings)
    case 'zstd':
      return {
        figures: Promise.resolve({ format: 'zstd', size, compressedSize: size })
      }
    default:
      return {
        figures: Promise.resolve(await keepSmallFile(chunks, size, keep))
      }
  }
}

function blobFormat(head: Buffer): BlobFormat {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd'
  // An empty layer is two zero blocks: the end-of-archive marker alone.
  if (isTarHeader(head) || isZeros(head, TAR_BLOCK_SIZE)) return 'tar'
  return 'other'
}

function isZeros(head: Buffer, length: number): boolean {
  return head.length === length && head.every(byte => byte === 0)
}

async function measureTarBlob(
  chunks: AsyncIterable<Buffer>,
  blob: BlobInfo,
  settings: Settings
): Promise<PendingFigures> {
  const counter = sizeCounter(settings, blob.known)
  const upstream: UpstreamState = { failed: false }
  const counted = passThrough(chunks, chunk => counter.write(chunk), upstream)
  try {
    const scan = await scanLayer(counted, settings)
    const figures = counter.end().then((compressedSize): BlobFigures => ({
      format: 'tar',
      size: blob.size,
      compressedSize,
      compressedSizeCached: blob.known !== undefined,
      scan
    }))
    return { figures }
  } catch (error) {
    // Compression may still be running: let it finish, unobserved.
    counter.end().catch(() => undefined)
    if (upstream.failed || !(error instanceof TarFormatError)) throw error
    const problem = error.message
    return { figures: Promise.resolve(unreadable('tar', blob.size, problem)) }
  }
}

/**
 * A layer stored compressed (containerd's image store saves them so, at
 * whatever level its builder chose): unpacked and compressed again at
 * level 6, so that the figure does not depend on the image store.
 */
async function measureGzipBlob(
  chunks: AsyncIterable<Buffer>,
  blob: BlobInfo,
  settings: Settings
): Promise<PendingFigures> {
  let size = 0
  const counter = sizeCounter(settings, blob.known)
  const upstream: UpstreamState = { failed: false }
  const counted = passThrough(chunks, () => undefined, upstream)
  const gunzip = createGunzip()
  const feeding = pipeline(Readable.from(counted), gunzip)
  feeding.catch(() => undefined)
  const unpacked = passThrough(gunzip, chunk => {
    size += chunk.length
    return counter.write(chunk)
  })
  try {
    const scan = await scanLayer(unpacked, settings)
    await feeding
    const figures = counter.end().then((compressedSize): BlobFigures => ({
      format: 'gzip',
      size,
      compressedSize,
      compressedSizeCached: blob.known !== undefined,
      storedSize: blob.size,
      scan
    }))
    return { figures }
  } catch (error) {
    counter.end().catch(() => undefined)
    if (upstream.failed) throw upstream.error
    if (!isUnreadableLayer(error)) throw error
    const problem = error.message
    return { figures: Promise.resolve(unreadable('gzip', size, problem)) }
  } finally {
    gunzip.destroy()
  }
}

function isUnreadableLayer(error: unknown): error is Error {
  if (error instanceof TarFormatError) return true
  // zlib's own complaints about the data (Z_DATA_ERROR, Z_BUF_ERROR). Not
  // `instanceof Error`: Node's internal errors may come from another realm.
  const { code, message } = (error ?? {}) as {
    code?: unknown
    message?: unknown
  }
  return (
    typeof code === 'string' &&
    code.startsWith('Z_') &&
    typeof message === 'string'
  )
}

function unreadable(
  format: BlobFormat,
  size: number,
  problem: string
): BlobFigures {
  return { format, size, compressedSize: size, problem }
}

async function keepSmallFile(
  chunks: AsyncIterable<Buffer>,
  size: number,
  keep: { budget: number }
): Promise<BlobFigures> {
  const figures: BlobFigures = { format: 'other', size, compressedSize: size }
  // Anything larger is skipped unread when the archive moves on.
  if (size > KEPT_FILE_LIMIT || size > keep.budget) return figures
  keep.budget -= size
  const parts: Buffer[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return { ...figures, text: Buffer.concat(parts) }
}

interface ManifestEntry {
  config: string
  layers: string[]
}

async function resolveImage(
  archive: SaveArchive,
  settings: Settings
): Promise<ImageMeasurement> {
  const manifest = parseManifest(await jsonFile(archive, 'manifest.json'))
  const config = findFile(archive, manifest.config, 'image config')
  const configJson = parseJson((await config.file.figures).text)
  const diffIds = parseDiffIds(configJson)
  // Diff IDs name layers only if the config lists one for each.
  const count = manifest.layers.length
  const named = diffIds?.length === count ? diffIds : []
  const instructions = layerInstructions(configJson, count)
  const measured = await Promise.all(
    manifest.layers.map((path, index) =>
      measureLayer(archive, path, named[index], instructions[index])
    )
  )
  return {
    ...summarise(measured, config.file.size),
    compression: settings.compression,
    ...describeFileSystem(measured, settings)
  }
}

/** Replays the layers in order to see what the image's file system holds. */
function describeFileSystem(measured: IdentifiedLayer[], settings: Settings) {
  const files = new ImageFileSystem({
    largestFileCount: settings.largestFileCount,
    directoryDepth: settings.fileSystemDepth
  })
  const records = new Map<string, string>()
  measured.forEach(({ scan }, index) => {
    files.apply(index, scan.changes)
    for (const [path, text] of scan.records) records.set(path, text)
  })
  return {
    largestFiles: files.largestFiles(),
    directories: files.directoryTotals(),
    distributions: distributionSizes(records, files),
    wasted: files.wastedBytes()
  }
}

async function jsonFile(archive: SaveArchive, path: string): Promise<unknown> {
  const file = archive.files.get(path)
  if (!file) {
    throw new ImageArchiveError(
      `not the output of docker save: the archive has no ${path}`
    )
  }
  const { text } = await file.figures
  if (!text) throw new ImageArchiveError(`${path} is too large to read`)
  try {
    return JSON.parse(text.toString('utf8'))
  } catch {
    throw new ImageArchiveError(`${path} in the saved image is not valid JSON`)
  }
}

function parseManifest(data: unknown): ManifestEntry {
  if (!Array.isArray(data) || data.length === 0) {
    throw new ImageArchiveError('manifest.json lists no image')
  }
  if (data.length > 1) {
    throw new ImageArchiveError(
      `manifest.json lists ${data.length} images: save one image at a time`
    )
  }
  const entry: unknown = data[0]
  const config = field(entry, 'Config')
  const layers = field(entry, 'Layers')
  if (typeof config !== 'string' || !isStringArray(layers)) {
    throw new ImageArchiveError(
      'manifest.json does not name a config and layers'
    )
  }
  return { config, layers }
}

/** The config as JSON; without it, layers are named by their blob digests. */
function parseJson(text: Buffer | undefined): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text.toString('utf8'))
  } catch {
    return undefined
  }
}

function parseDiffIds(config: unknown): string[] | undefined {
  const diffIds = field(field(config, 'rootfs'), 'diff_ids')
  return isStringArray(diffIds) ? diffIds : undefined
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(item => typeof item === 'string')
}

interface FoundFile {
  /** The path the content is stored under, once links are followed. */
  path: string
  file: StoredFile
}

function findFile(
  archive: SaveArchive,
  listed: string,
  what: string
): FoundFile {
  let path = normalizeLayerPath(listed)
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    const file = archive.files.get(path)
    if (file) return { path, file }
    const target = archive.links.get(path)
    if (target === undefined) break
    path = target
  }
  throw new ImageArchiveError(
    `manifest.json lists ${what} "${listed}", which the archive does not hold`
  )
}

interface IdentifiedLayer {
  /** Equal for layers a registry would store once. */
  identity: string
  layer: LayerMeasurement
  scan: LayerScan
}

async function measureLayer(
  archive: SaveArchive,
  listed: string,
  diffId: string | undefined,
  createdBy: string | undefined
): Promise<IdentifiedLayer> {
  const { path, file } = findFile(archive, listed, 'layer')
  const figures = await file.figures
  if (!figures.scan) throw new ImageArchiveError(layerProblem(listed, figures))
  const stored = blobDigest(path)
  const digest = diffId ?? stored ?? ''
  const layer: LayerMeasurement = {
    digest,
    ...(stored && { blobDigest: stored }),
    size: figures.size,
    compressedSize: figures.compressedSize,
    compressedSizeCached: figures.compressedSizeCached ?? false,
    ...(figures.storedSize !== undefined && {
      storedSize: figures.storedSize
    }),
    ...(createdBy !== undefined && { createdBy }),
    ...figures.scan.contents
  }
  return { identity: digest || path, layer, scan: figures.scan }
}

function layerProblem(listed: string, figures: BlobFigures): string {
  if (figures.format === 'zstd') {
    return `layer "${listed}" is compressed with zstd, which cannot be measured yet`
  }
  if (figures.problem)
    return `layer "${listed}" cannot be read: ${figures.problem}`
  return `layer "${listed}" is not a tar archive`
}

/** `blobs/sha256/<hex>` is named by its digest. */
function blobDigest(path: string): string | undefined {
  const match = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(path)
  return match ? `${match[1]}:${match[2]}` : undefined
}

function summarise(identified: IdentifiedLayer[], configSize: number) {
  const distinct = new Map<string, LayerMeasurement>()
  for (const { identity, layer } of identified) {
    if (!distinct.has(identity)) distinct.set(identity, layer)
  }
  let size = 0
  let compressedSize = configSize
  for (const layer of distinct.values()) {
    size += layer.size
    compressedSize += layer.compressedSize
  }
  return {
    size,
    compressedSize,
    configSize,
    layers: identified.map(({ layer }) => layer)
  }
}
