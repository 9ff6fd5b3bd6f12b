import {
  chooseCompression,
  loadImageMeasurement,
  loadSizeCache,
  measureSavedImage,
  saveImageMeasurement,
  saveSizeCache,
  sizeCachePath,
  type ImageMeasurement,
  type MeasureOptions
} from '../measure/index.js'
import type { ImageFigures, ImageStore } from '../report/model.js'
import {
  recordedCompressedSizes,
  type RecordedLayerSizes
} from '../report/sizes-record.js'
import type { BuiltImage, DockerCli } from './cli.js'

/** How many of each list the report keeps; the JSON report too. */
const LISTED = { layerFiles: 10, imageFiles: 20, directories: 40 }

/**
 * Streams `docker save` through the measurer: sizes come from the
 * exported layer tars, so they mean the same on every image store.
 * Compressed sizes of layers measured before (by blob digest) come from
 * the size cache, or from `recorded`: the sizes an earlier run on the
 * branch recorded, for runners that start with an empty cache.
 */
export async function measureImage(
  docker: DockerCli,
  image: BuiltImage,
  role: ImageFigures['role'],
  dockerfile: string,
  recorded?: RecordedLayerSizes
): Promise<ImageFigures> {
  const started = Date.now()
  const config = await docker.inspect(image.tag)
  const measured = await measureSaved(
    docker,
    image.tag,
    {},
    config.id,
    recorded
  )
  return {
    role,
    tag: image.tag,
    dockerfile,
    size: measured.size,
    compressedSize: measured.compressedSize,
    engineSize: config.engineSize,
    imageStore: await imageStore(docker),
    configSize: measured.configSize,
    compression: measured.compression,
    cachedLayers: measured.layers.filter(l => l.compressedSizeCached).length,
    layerCount: measured.layers.length,
    layers: measured.layers.map(layer => ({
      size: layer.size,
      compressedSize: layer.compressedSize,
      createdBy: layer.createdBy,
      digest: layer.digest,
      ...(layer.blobDigest && { blobDigest: layer.blobDigest }),
      files: layer.files
    })),
    largestFiles: measured.largestFiles.slice(0, LISTED.imageFiles),
    directories: measured.directories.slice(0, LISTED.directories),
    distributions: measured.distributions,
    wasted: {
      ...measured.wasted,
      largest: measured.wasted.largest.slice(0, LISTED.layerFiles)
    },
    buildSeconds: image.seconds,
    measureSeconds: (Date.now() - started) / 1000,
    user: config.user
  }
}

/**
 * `docker save` measured as it streams, with the size cache around it.
 * `options` are for the benchmark, which compares compressors.
 */
export async function measureSaved(
  docker: DockerCli,
  tag: string,
  options: Pick<MeasureOptions, 'compressor' | 'concurrency'> = {},
  imageId?: string,
  recorded?: RecordedLayerSizes
): Promise<ImageMeasurement> {
  const compression = await chooseCompression(options.compressor)
  const cacheFile = sizeCachePath()
  const id = imageId ?? (await docker.inspect(tag)).id
  const seen = loadImageMeasurement(cacheFile, compression, id)
  if (seen) return asCached(seen)
  const known = new Map([
    ...recordedCompressedSizes(recorded, compression),
    ...loadSizeCache(cacheFile, compression)
  ])
  const saved = docker.save(tag)
  const [measured] = await Promise.all([
    measureSavedImage(saved.stream, {
      ...options,
      compressor: compression === 'gzip -6' ? 'gzip' : 'zlib',
      knownCompressedSizes: known
    }),
    saved.done
  ])
  const sizes = new Map<string, number>()
  for (const layer of measured.layers) {
    if (layer.blobDigest) sizes.set(layer.blobDigest, layer.compressedSize)
  }
  saveSizeCache(cacheFile, measured.compression, sizes)
  saveImageMeasurement(cacheFile, id, measured)
  return measured
}

function asCached(measurement: ImageMeasurement): ImageMeasurement {
  const layers = measurement.layers.map(layer => ({
    ...layer,
    compressedSizeCached: true
  }))
  return { ...measurement, layers }
}

/**
 * The containerd image store reports its snapshotter as the driver type;
 * the classic store (overlay2 and the like) does not.
 */
export async function imageStore(docker: DockerCli): Promise<ImageStore> {
  const result = await docker.capture([
    'info',
    '--format',
    '{{json .DriverStatus}}'
  ])
  return result.output.includes('io.containerd.snapshotter')
    ? 'containerd'
    : 'classic'
}

type Role = ImageFigures['role']

/**
 * Each image is measured as soon as it is built, so that the baseline is
 * read and compressed while the engine builds the optimized image: a build
 * leaves a core idle much of the time.
 *
 * Known shortcoming: on a 2-core machine this still adds more than the
 * 10% of the builds' time we aim at (docs/benchmarks.md): every layer no
 * earlier run compressed costs `gzip -6` at about 30 MB/s per core, and
 * `docker save` streams the whole image, base layers included, after the
 * classic image store has written it to a folder of its own.
 */
export class Measurements {
  private readonly running = new Map<Role, Promise<ImageFigures>>()
  private startedAt: number | undefined
  private endedAt = 0

  constructor(
    private readonly docker: DockerCli,
    private readonly recorded: Promise<RecordedLayerSizes | undefined>
  ) {}

  start(image: BuiltImage, role: Role, dockerfile: string): void {
    this.startedAt ??= Date.now()
    const figures = this.recorded
      .then(sizes => measureImage(this.docker, image, role, dockerfile, sizes))
      .finally(() => (this.endedAt = Math.max(this.endedAt, Date.now())))
    // Awaited in finish(); until then a failure must not go unhandled.
    figures.catch(() => undefined)
    this.running.set(role, figures)
  }

  /** Every started measurement; `seconds` from the first start to the last end. */
  async finish(): Promise<{
    figures: Partial<Record<Role, ImageFigures>>
    seconds?: number
  }> {
    const figures: Partial<Record<Role, ImageFigures>> = {}
    for (const [role, measured] of this.running) figures[role] = await measured
    const seconds =
      this.startedAt === undefined
        ? undefined
        : (this.endedAt - this.startedAt) / 1000
    return { figures, seconds }
  }

  /** Resolves once nothing reads the images any more, failed or not. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.running.values())
  }
}
