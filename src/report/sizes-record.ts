import type { CompressionMethod } from '../measure/index.js'
import type { ImageFigures, Report } from './model.js'

/**
 * The numbers a later run reads back: uploaded as an artifact on pushes,
 * read from the branch's latest run. Pull requests compare their sizes
 * with it; every run reuses its layers' compressed sizes, so that a
 * hosted runner, which starts with an empty size cache, compresses only
 * the layers the base branch's run had not seen.
 */
export interface SizesRecord {
  version: 1
  key: string
  commit?: string
  ref?: string
  optimizedSize: number
  optimizedCompressedSize: number
  baselineSize?: number
  layers?: RecordedLayerSizes
}

/** Compressed layer sizes by the digest `docker save` names the blob by. */
export interface RecordedLayerSizes {
  compression: CompressionMethod
  compressedSizes: Record<string, number>
}

/** At most this many layers are kept: a record stays a few kB. */
const MAX_RECORDED_LAYERS = 200
const BLOB_DIGEST = /^sha256:[a-f0-9]{64}$/

export function sizesRecord(
  report: Report,
  key: string
): SizesRecord | undefined {
  if (!report.optimized) return undefined
  return {
    version: 1,
    key,
    commit: process.env.GITHUB_SHA,
    ref: process.env.GITHUB_REF,
    optimizedSize: report.optimized.size,
    optimizedCompressedSize: report.optimized.compressedSize,
    baselineSize: report.baseline?.size,
    layers: layerSizes([report.optimized, report.baseline])
  }
}

function layerSizes(
  images: (ImageFigures | undefined)[]
): RecordedLayerSizes | undefined {
  const compressedSizes: Record<string, number> = {}
  let compression: CompressionMethod | undefined
  for (const image of images) {
    if (!image?.compression) continue
    // One method per record: figures of another are not comparable.
    if (compression && image.compression !== compression) continue
    compression = image.compression
    for (const layer of image.layers) {
      if (layer.blobDigest) {
        compressedSizes[layer.blobDigest] = layer.compressedSize
      }
    }
  }
  if (!compression || Object.keys(compressedSizes).length === 0) return
  return { compression, compressedSizes }
}

/** Reads a record back; undefined when it is not one of ours. */
export function parseSizesRecord(text: string): SizesRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const record = value as Partial<SizesRecord> | null
  const valid =
    record?.version === 1 &&
    typeof record.key === 'string' &&
    Number.isFinite(record.optimizedSize) &&
    Number.isFinite(record.optimizedCompressedSize)
  if (!valid) return undefined
  const { layers, ...rest } = record as SizesRecord
  const checked = parseLayerSizes(layers)
  return checked ? { ...rest, layers: checked } : rest
}

/**
 * Only well-formed entries are kept: a record is read from an artifact,
 * and a bad entry must cost a compression, never a wrong figure's type.
 */
function parseLayerSizes(value: unknown): RecordedLayerSizes | undefined {
  const layers = value as Partial<RecordedLayerSizes> | null | undefined
  if (
    (layers?.compression !== 'gzip -6' &&
      layers?.compression !== 'zlib -6 (approximate)') ||
    typeof layers.compressedSizes !== 'object' ||
    layers.compressedSizes === null
  ) {
    return undefined
  }
  const entries = Object.entries(layers.compressedSizes)
    .filter(
      ([digest, size]) =>
        BLOB_DIGEST.test(digest) && Number.isSafeInteger(size) && size >= 0
    )
    .slice(0, MAX_RECORDED_LAYERS)
  if (entries.length === 0) return undefined
  return {
    compression: layers.compression,
    compressedSizes: Object.fromEntries(entries)
  }
}

/** The recorded sizes usable by a measurement that compresses with `method`. */
export function recordedCompressedSizes(
  layers: RecordedLayerSizes | undefined,
  method: CompressionMethod
): Map<string, number> {
  if (!layers || layers.compression !== method) return new Map()
  return new Map(Object.entries(layers.compressedSizes))
}

/** Artifact names refuse / \ : < > | * ? " and line breaks. */
export function artifactName(key: string): string {
  const slug = key
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
  return `venvship-sizes-${slug || 'root'}`
}
