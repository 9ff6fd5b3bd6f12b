import { posix } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { CompressionPool, GzipSizeCounter } from './gzip-size.js'
import {
  normalizeLayerPath,
  readLayerContents,
  type ContentsOptions,
  type LayerContents
} from './layer-contents.js'
import { peek, passThrough, type UpstreamState } from './streams.js'
import { isTarHeader, readTar, TAR_BLOCK_SIZE, TarFormatError } from './tar.js'

export interface LayerMeasurement extends LayerContents {
  /** The layer's diff ID from the image config, else its blob digest. */
  digest: string
  /** Bytes of the uncompressed layer tar. */
  size: number
  /**
   * Bytes of the layer gzipped at level 6, what a registry stores; for a
   * layer the archive already holds compressed, the bytes it holds.
   */
  compressedSize: number
}

export interface ImageMeasurement {
  /** Sum of the layer tar sizes, each distinct layer once. */
  size: number
  /** Sum of compressed layer sizes, each distinct layer once, plus the config. */
  compressedSize: number
  configSize: number
  /** In manifest order; a layer listed twice appears twice. */
  layers: LayerMeasurement[]
}

export interface MeasureOptions {
  /** How many of each layer's largest files to list (default 200). */
  largestFileCount?: number
  /** Path components that name a directory bucket (default 2: `usr/lib`). */
  directoryDepth?: number
  /** Blocks compressed at once on libuv's threads (default: CPUs, at most 4). */
  concurrency?: number
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
/** Non-layer files up to this size are kept to read manifest and config. */
const KEPT_FILE_LIMIT = 1024 * 1024
/** ... and no more than this in all, whatever the archive holds. */
const KEPT_TOTAL_LIMIT = 64 * 1024 * 1024
const MAX_LINK_HOPS = 16

/**
 * Measures the output of `docker save IMAGE` as it streams by: the OCI
 * layout of engines 25 and later as well as the legacy one. Every layer is
 * compressed only to count the bytes, and its file list is read on the way.
 * Rejects with a TarFormatError or an ImageArchiveError, whose messages
 * need no stack, if the stream is not a complete save of one image, and
 * with the stream's own error if reading it fails.
 */
export async function measureSavedImage(
  source: AsyncIterable<unknown>,
  options: MeasureOptions = {}
): Promise<ImageMeasurement> {
  const settings = resolveOptions(options)
  const archive = await readSaveArchive(source, settings)
  return resolveImage(archive)
}

interface Settings extends ContentsOptions {
  pool: CompressionPool
}

function resolveOptions(options: MeasureOptions): Settings {
  const largestFileCount =
    options.largestFileCount ?? DEFAULT_LARGEST_FILE_COUNT
  const directoryDepth = options.directoryDepth ?? DEFAULT_DIRECTORY_DEPTH
  if (!Number.isInteger(largestFileCount) || largestFileCount < 0) {
    throw new RangeError('largestFileCount must be a whole number')
  }
  if (!Number.isInteger(directoryDepth) || directoryDepth < 1) {
    throw new RangeError('directoryDepth must be a positive whole number')
  }
  const pool = new CompressionPool(options.concurrency)
  return { largestFileCount, directoryDepth, pool }
}

type BlobFormat = 'tar' | 'gzip' | 'zstd' | 'other'

/** What we learnt of one file of the archive. */
interface BlobFigures {
  format: BlobFormat
  size: number
  compressedSize: number
  contents?: LayerContents
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
      const { figures } = await measureBlob(body, header.size, settings, keep)
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
async function measureBlob(
  body: AsyncIterable<Buffer>,
  size: number,
  settings: Settings,
  keep: { budget: number }
): Promise<PendingFigures> {
  const { head, chunks } = await peek(body, TAR_BLOCK_SIZE)
  switch (blobFormat(head)) {
    case 'tar':
      return measureTarBlob(chunks, size, settings)
    case 'gzip':
      return {
        figures: Promise.resolve(await measureGzipBlob(chunks, settings))
      }
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
  size: number,
  settings: Settings
): Promise<PendingFigures> {
  const counter = new GzipSizeCounter(settings.pool)
  const upstream: UpstreamState = { failed: false }
  const counted = passThrough(chunks, chunk => counter.write(chunk), upstream)
  try {
    const contents = await readLayerContents(counted, settings)
    const figures = counter.end().then((compressedSize): BlobFigures => ({
      format: 'tar',
      size,
      compressedSize,
      contents
    }))
    return { figures }
  } catch (error) {
    if (upstream.failed || !(error instanceof TarFormatError)) throw error
    const problem = error.message
    return { figures: Promise.resolve(unreadable('tar', size, problem)) }
  }
}

/** A layer stored compressed (containerd's image store saves them so). */
async function measureGzipBlob(
  chunks: AsyncIterable<Buffer>,
  settings: Settings
): Promise<BlobFigures> {
  let stored = 0
  let size = 0
  const upstream: UpstreamState = { failed: false }
  const counted = passThrough(chunks, c => void (stored += c.length), upstream)
  const gunzip = createGunzip()
  const feeding = pipeline(Readable.from(counted), gunzip)
  feeding.catch(() => undefined)
  const unpacked = passThrough(gunzip, c => void (size += c.length))
  try {
    const contents = await readLayerContents(unpacked, settings)
    await feeding
    return { format: 'gzip', size, compressedSize: stored, contents }
  } catch (error) {
    if (upstream.failed) throw upstream.error
    if (!isUnreadableLayer(error)) throw error
    return unreadable('gzip', size, error.message)
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

async function resolveImage(archive: SaveArchive): Promise<ImageMeasurement> {
  const manifest = parseManifest(await jsonFile(archive, 'manifest.json'))
  const config = findFile(archive, manifest.config, 'image config')
  const diffIds = parseDiffIds((await config.file.figures).text)
  // Diff IDs name layers only if the config lists one for each.
  const named = diffIds?.length === manifest.layers.length ? diffIds : []
  const layers = await Promise.all(
    manifest.layers.map((path, index) =>
      measureLayer(archive, path, named[index])
    )
  )
  return summarise(layers, config.file.size)
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

function parseDiffIds(text: Buffer | undefined): string[] | undefined {
  if (!text) return undefined
  try {
    const diffIds = field(
      field(JSON.parse(text.toString('utf8')), 'rootfs'),
      'diff_ids'
    )
    return isStringArray(diffIds) ? diffIds : undefined
  } catch {
    // Without diff IDs, layers are named by their blob digests.
    return undefined
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined
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
}

async function measureLayer(
  archive: SaveArchive,
  listed: string,
  diffId: string | undefined
): Promise<IdentifiedLayer> {
  const { path, file } = findFile(archive, listed, 'layer')
  const figures = await file.figures
  if (!figures.contents)
    throw new ImageArchiveError(layerProblem(listed, figures))
  const digest = diffId ?? blobDigest(path) ?? ''
  const layer: LayerMeasurement = {
    digest,
    size: figures.size,
    compressedSize: figures.compressedSize,
    ...figures.contents
  }
  return { identity: digest || path, layer }
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

function summarise(
  identified: IdentifiedLayer[],
  configSize: number
): ImageMeasurement {
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
