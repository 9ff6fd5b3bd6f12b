/**
 * Builds in memory what `docker save` writes, in either layout, from a set
 * of layer tars.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { tarArchive, type TestEntry } from './tar-writer.js'

export interface SaveSpec {
  layout: 'oci' | 'legacy'
  /** Distinct layer tars. */
  layers: Buffer[]
  /** Indexes into `layers` in manifest order; repeats allowed. */
  order?: number[]
  /** Write manifest.json before the blobs rather than after. */
  manifestFirst?: boolean
  /** OCI: store layer blobs gzip-compressed, as containerd's store does. */
  gzipLayers?: boolean
  /** Legacy: store a repeated layer as a symlink to the first copy. */
  symlinkRepeats?: boolean
  /** The config's history entries. */
  history?: object[]
}

export interface BuiltSave {
  archive: Buffer
  config: Buffer
  /** Entry list, for tests that break it. */
  entries: TestEntry[]
}

export const sha256 = (data: Buffer | string) =>
  createHash('sha256').update(data).digest('hex')

export function buildSave(spec: SaveSpec): BuiltSave {
  const order = spec.order ?? spec.layers.map((_, i) => i)
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['python3'] },
      ...(spec.history && { history: spec.history }),
      rootfs: {
        type: 'layers',
        diff_ids: order.map(i => `sha256:${sha256(spec.layers[i])}`)
      }
    })
  )
  const build = spec.layout === 'oci' ? ociEntries : legacyEntries
  const { files, manifest } = build(spec, order, config)
  const manifestEntry = { name: 'manifest.json', content: manifest }
  const entries = spec.manifestFirst
    ? [manifestEntry, ...files]
    : [...files, manifestEntry]
  return { archive: tarArchive(entries), config, entries }
}

interface Layout {
  files: TestEntry[]
  manifest: string
}

function ociEntries(spec: SaveSpec, order: number[], config: Buffer): Layout {
  const blobs = spec.layers.map(layer =>
    spec.gzipLayers ? gzipSync(layer) : layer
  )
  const path = (blob: Buffer) => `blobs/sha256/${sha256(blob)}`
  const ociManifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      config: { digest: `sha256:${sha256(config)}`, size: config.length },
      layers: order.map(i => ({
        digest: `sha256:${sha256(blobs[i])}`,
        size: blobs[i].length
      }))
    })
  )
  const files: TestEntry[] = [
    { name: 'blobs/', type: '5' },
    { name: 'blobs/sha256/', type: '5' },
    ...[...blobs, config, ociManifest]
      .map(blob => ({ name: path(blob), content: blob }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    {
      name: 'index.json',
      content: JSON.stringify({
        schemaVersion: 2,
        manifests: [{ digest: `sha256:${sha256(ociManifest)}` }]
      })
    },
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'repositories', content: '{"test":{"1":"x"}}' }
  ]
  const manifest = JSON.stringify([
    {
      Config: path(config),
      RepoTags: ['test:1'],
      Layers: order.map(i => path(blobs[i]))
    }
  ])
  return { files, manifest }
}

function legacyEntries(
  spec: SaveSpec,
  order: number[],
  config: Buffer
): Layout {
  const files: TestEntry[] = []
  const firstId = new Map<number, string>()
  const layerPaths = order.map((layer, position) => {
    const id = sha256(`layer ${position}`)
    files.push(
      { name: `${id}/`, type: '5' },
      { name: `${id}/VERSION`, content: '1.0' },
      { name: `${id}/json`, content: JSON.stringify({ id }) }
    )
    const first = firstId.get(layer)
    if (first && spec.symlinkRepeats) {
      files.push({
        name: `${id}/layer.tar`,
        type: '2',
        linkName: `../${first}/layer.tar`
      })
    } else {
      files.push({ name: `${id}/layer.tar`, content: spec.layers[layer] })
    }
    if (!first) firstId.set(layer, id)
    return `${id}/layer.tar`
  })
  files.push(
    { name: `${sha256(config)}.json`, content: config },
    { name: 'repositories', content: '{"test":{"1":"x"}}' }
  )
  const manifest = JSON.stringify([
    {
      Config: `${sha256(config)}.json`,
      RepoTags: ['test:1'],
      Layers: layerPaths
    }
  ])
  return { files, manifest }
}
