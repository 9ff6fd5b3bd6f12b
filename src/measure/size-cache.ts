import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'
import type { CompressionMethod } from './gzip-command.js'
import type { ImageMeasurement } from './image-size.js'

/**
 * Compressed layer sizes from earlier runs, by blob digest. A blob is
 * named by the digest of its bytes, so the same digest means the same
 * bytes and the same compressed size: the base image's layers, identical
 * on every run, are read but not compressed again.
 */
export interface SizeCacheFile {
  version: 1
  /** Figures of another method are not reused. */
  method: CompressionMethod
  layers: Record<string, { compressedSize: number; used: string }>
}

/** Entries beyond this are dropped, least recently used first. */
const MAX_ENTRIES = 2_000
/** Whole measurements kept, by image ID: each is some hundred kB. */
const MAX_IMAGES = 16

/**
 * Where the cache lives: `VENVSHIP_SIZE_CACHE` (a file, or `off`), else
 * `$XDG_CACHE_HOME` or `~/.cache`, which self-hosted runners keep between
 * jobs. Hosted runners start empty every job unless a workflow restores
 * the folder (actions/cache).
 */
export function sizeCachePath(
  env: NodeJS.ProcessEnv = process.env
): string | undefined {
  const chosen = env.VENVSHIP_SIZE_CACHE
  if (chosen === 'off') return undefined
  if (chosen) return chosen
  const base = env.XDG_CACHE_HOME || path.join(homedir(), '.cache')
  return path.join(base, 'venvship', 'layer-sizes.json')
}

/** The cached sizes for `method`; empty when there is no usable file. */
export function loadSizeCache(
  file: string | undefined,
  method: CompressionMethod
): Map<string, number> {
  const cache = readCacheFile(file)
  if (!cache || cache.method !== method) return new Map()
  return new Map(
    Object.entries(cache.layers).map(([digest, entry]) => [
      digest,
      entry.compressedSize
    ])
  )
}

/**
 * Adds `sizes` (digest → compressed size) to the file, marks them used
 * now and drops the least recently used beyond the limit. A cache is a
 * convenience: failing to write one never fails a measurement.
 */
export function saveSizeCache(
  file: string | undefined,
  method: CompressionMethod,
  sizes: Map<string, number>,
  now = new Date()
): void {
  if (!file || sizes.size === 0) return
  const old = readCacheFile(file)
  const layers = old?.method === method ? { ...old.layers } : {}
  for (const [digest, compressedSize] of sizes) {
    layers[digest] = { compressedSize, used: now.toISOString() }
  }
  const kept = Object.entries(layers)
    .sort(([, a], [, b]) => (a.used < b.used ? 1 : a.used > b.used ? -1 : 0))
    .slice(0, MAX_ENTRIES)
  const cache: SizeCacheFile = {
    version: 1,
    method,
    layers: Object.fromEntries(kept)
  }
  writeAtomically(file, cache)
}

function writeAtomically(file: string, data: object): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true })
    // Written aside and renamed: two jobs sharing a runner never read half.
    const scratch = `${file}.${process.pid}.tmp`
    writeFileSync(scratch, JSON.stringify(data))
    renameSync(scratch, file)
  } catch {
    // A read-only or full disk: the next run measures from scratch.
  }
}

function readCacheFile(file: string | undefined): SizeCacheFile | undefined {
  if (!file) return undefined
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as SizeCacheFile
    return isCacheFile(data) ? data : undefined
  } catch {
    return undefined
  }
}

function isCacheFile(data: unknown): data is SizeCacheFile {
  const cache = data as Partial<SizeCacheFile> | null
  if (cache?.version !== 1 || typeof cache.layers !== 'object') return false
  return Object.values(cache.layers ?? {}).every(
    entry =>
      Number.isSafeInteger(entry?.compressedSize) &&
      typeof entry?.used === 'string'
  )
}

/**
 * Whole measurements by image ID, beside the size cache. An ID is the
 * digest of the image's config (or of its manifest, which names the
 * config), and the config names every layer by the digest of its content:
 * the same ID means the same bytes, so an image rebuilt with nothing
 * changed is not read again.
 */
interface ImageCacheFile {
  version: 1
  method: CompressionMethod
  images: Record<string, { measurement: ImageMeasurement; used: string }>
}

function imageCacheFile(sizeCache: string): string {
  return path.join(path.dirname(sizeCache), 'images.json')
}

export function loadImageMeasurement(
  sizeCache: string | undefined,
  method: CompressionMethod,
  imageId: string
): ImageMeasurement | undefined {
  if (!sizeCache || !imageId) return undefined
  const cache = readImageCache(imageCacheFile(sizeCache))
  if (cache?.method !== method) return undefined
  return cache.images[imageId]?.measurement
}

export function saveImageMeasurement(
  sizeCache: string | undefined,
  imageId: string,
  measurement: ImageMeasurement,
  now = new Date()
): void {
  if (!sizeCache || !imageId) return
  const file = imageCacheFile(sizeCache)
  const old = readImageCache(file)
  const images =
    old?.method === measurement.compression ? { ...old.images } : {}
  images[imageId] = { measurement, used: now.toISOString() }
  const kept = Object.entries(images)
    .sort(([, a], [, b]) => (a.used < b.used ? 1 : a.used > b.used ? -1 : 0))
    .slice(0, MAX_IMAGES)
  writeAtomically(file, {
    version: 1,
    method: measurement.compression,
    images: Object.fromEntries(kept)
  })
}

function readImageCache(file: string): ImageCacheFile | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as ImageCacheFile
    return data?.version === 1 && typeof data.images === 'object'
      ? data
      : undefined
  } catch {
    return undefined
  }
}
