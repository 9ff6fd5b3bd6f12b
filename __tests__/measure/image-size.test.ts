import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import {
  ImageArchiveError,
  measureSavedImage,
  TarFormatError,
  type ImageMeasurement
} from '../../src/measure/index.js'
import { buildSave, sha256, type SaveSpec } from './save-builder.js'
import { inPieces, tarArchive, type TestEntry } from './tar-writer.js'

const BASE = tarArchive([
  { name: './', type: '5' },
  { name: './etc/', type: '5' },
  { name: './etc/os-release', content: 'PRETTY_NAME="Test"\n'.repeat(20) },
  { name: './usr/lib/libc.so.6', content: randomBytes(20_000) },
  { name: './usr/bin/sh', content: Buffer.alloc(5_000, 'sh') },
  { name: './usr/bin/bash', type: '1', linkName: 'usr/bin/sh' }
])
const APP = tarArchive([
  { name: 'app/', type: '5' },
  { name: 'app/.venv/lib/site.py', content: 'import os\n'.repeat(500) },
  { name: 'app/main.py', content: 'print("hi")\n' },
  { name: 'etc/.wh.os-release', content: '' }
])
/** An empty layer: the end-of-archive marker alone. */
const EMPTY = tarArchive([])

/** What GNU `gzip -6` writes: the figure the measurement must match. */
const gz = (layer: Buffer) =>
  spawnSync('gzip', ['-6', '-c'], { input: layer, maxBuffer: 1e9 }).stdout
    .length

interface LayoutCase {
  title: string
  spec: SaveSpec
}

const LAYOUTS: LayoutCase[] = [
  {
    title: 'OCI layout, manifest.json last',
    spec: { layout: 'oci', layers: [BASE, APP] }
  },
  {
    title: 'OCI layout, manifest.json first',
    spec: { layout: 'oci', layers: [BASE, APP], manifestFirst: true }
  },
  {
    title: 'legacy layout',
    spec: { layout: 'legacy', layers: [BASE, APP] }
  },
  {
    title: 'legacy layout, manifest.json first',
    spec: { layout: 'legacy', layers: [BASE, APP], manifestFirst: true }
  }
]

function expectedLayer(layer: Buffer) {
  return {
    digest: `sha256:${sha256(layer)}`,
    size: layer.length,
    compressedSize: gz(layer)
  }
}

async function measure(
  archive: Buffer,
  pieces = [4096]
): Promise<ImageMeasurement> {
  return measureSavedImage(inPieces(archive, pieces))
}

describe('measureSavedImage', () => {
  test.each(LAYOUTS)('measures the $title', async ({ spec }) => {
    const { archive, config } = buildSave(spec)
    const measured = await measure(archive)
    expect(measured).toMatchObject({
      size: BASE.length + APP.length,
      compressedSize: gz(BASE) + gz(APP) + config.length,
      configSize: config.length,
      layers: [expectedLayer(BASE), expectedLayer(APP)]
    })
  })

  test('describes what each layer holds', async () => {
    const { archive } = buildSave({ layout: 'oci', layers: [BASE, APP] })
    const [base, app] = (await measure(archive)).layers
    expect(base).toMatchObject({
      files: 3,
      whiteouts: 0,
      largestFiles: [
        { path: 'usr/lib/libc.so.6', size: 20_000 },
        { path: 'usr/bin/sh', size: 5_000 },
        { path: 'etc/os-release', size: 380 }
      ],
      directories: [
        { path: 'usr/lib', size: 20_000 },
        { path: 'usr/bin', size: 5_000 },
        { path: 'etc', size: 380 }
      ]
    })
    expect(app).toMatchObject({ files: 2, whiteouts: 1 })
    expect(app.directories).toEqual([
      { path: 'app/.venv', size: 5000 },
      { path: 'app', size: 12 }
    ])
  })

  test.each<[string, Partial<SaveSpec>]>([
    ['OCI blobs listed twice', { layout: 'oci' }],
    ['legacy copies', { layout: 'legacy' }],
    ['legacy symlinks', { layout: 'legacy', symlinkRepeats: true }]
  ])(
    'counts a repeated layer once in the totals: %s',
    async (_label, layout) => {
      const spec = { layout: 'oci' as const, ...layout }
      const { archive, config } = buildSave({
        ...spec,
        layers: [BASE, EMPTY, APP],
        order: [0, 1, 2, 1, 0]
      })
      const measured = await measure(archive)
      expect(measured.layers.map(layer => layer.size)).toEqual(
        [BASE, EMPTY, APP, EMPTY, BASE].map(layer => layer.length)
      )
      expect(measured.size).toBe(BASE.length + EMPTY.length + APP.length)
      expect(measured.compressedSize).toBe(
        gz(BASE) + gz(EMPTY) + gz(APP) + config.length
      )
    }
  )

  test('measures layers stored gzip-compressed as if they were not', async () => {
    const { archive, config } = buildSave({
      layout: 'oci',
      layers: [BASE, APP],
      gzipLayers: true
    })
    const measured = await measure(archive)
    // The same figures as for the tars, whatever level stored them.
    expect(measured.layers).toMatchObject([
      {
        size: BASE.length,
        compressedSize: gz(BASE),
        storedSize: gzipSync(BASE).length,
        files: 3
      },
      {
        size: APP.length,
        compressedSize: gz(APP),
        storedSize: gzipSync(APP).length,
        files: 2
      }
    ])
    expect(measured.compressedSize).toBe(gz(BASE) + gz(APP) + config.length)
    expect(measured.configSize).toBe(config.length)
    // Digests come from the config: the uncompressed content's diff IDs.
    expect(measured.layers[0].digest).toBe(`sha256:${sha256(BASE)}`)
  })

  test('ties each layer to the instruction that made it', async () => {
    const { archive } = buildSave({
      layout: 'oci',
      layers: [BASE, APP],
      history: [
        { comment: 'Imported from -' },
        { created_by: 'WORKDIR /app', empty_layer: true },
        { created_by: 'COPY . /app # buildkit' }
      ]
    })
    const measured = await measure(archive)
    expect(measured.layers.map(layer => layer.createdBy)).toEqual([
      'Imported from -',
      'COPY . /app # buildkit'
    ])
  })

  test('describes the file system the layers make', async () => {
    const record = 'flask/__init__.py,,\nflask-3.1.dist-info/RECORD,,\n'
    const site = 'app/.venv/lib/python3.13/site-packages'
    const venv = tarArchive([
      { name: `${site}/flask/__init__.py`, content: 'x'.repeat(700) },
      { name: `${site}/flask-3.1.dist-info/RECORD`, content: record }
    ])
    const { archive } = buildSave({ layout: 'oci', layers: [BASE, APP, venv] })
    const measured = await measure(archive)
    // APP deletes etc/os-release, which BASE wrote.
    expect(measured.wasted).toEqual({
      bytes: 380,
      files: 1,
      largest: [
        {
          path: 'etc/os-release',
          size: 380,
          layer: 0,
          hiddenBy: 1,
          how: 'deleted'
        }
      ]
    })
    expect(measured.distributions).toEqual([
      {
        name: 'flask',
        version: '3.1',
        location: site,
        size: 700 + record.length,
        files: 2
      }
    ])
    expect(measured.largestFiles[0]).toEqual({
      path: 'usr/lib/libc.so.6',
      size: 20_000
    })
    expect(measured.directories[0]).toEqual({ path: 'usr', size: 25_000 })
  })

  test('takes compressed sizes already known instead of compressing', async () => {
    const { archive, config } = buildSave({
      layout: 'oci',
      layers: [BASE, APP]
    })
    const known = new Map([[`sha256:${sha256(BASE)}`, 12_345]])
    const measured = await measureSavedImage(inPieces(archive, [4096]), {
      knownCompressedSizes: known
    })
    expect(measured.layers).toMatchObject([
      { compressedSize: 12_345, compressedSizeCached: true, files: 3 },
      { compressedSize: gz(APP), compressedSizeCached: false }
    ])
    expect(measured.compressedSize).toBe(12_345 + gz(APP) + config.length)
    expect(measured.layers[0].blobDigest).toBe(`sha256:${sha256(BASE)}`)
  })

  test('counts with Node’s zlib when asked, and says so', async () => {
    const { archive } = buildSave({ layout: 'oci', layers: [BASE] })
    const measured = await measureSavedImage(inPieces(archive), {
      compressor: 'zlib'
    })
    expect(measured.compression).toBe('zlib -6 (approximate)')
    expect(measured.layers[0].compressedSize).toBe(
      gzipSync(BASE, { level: 6 }).length
    )
  })

  test('names layers by their blob digests when the config has no diff IDs', async () => {
    const { entries, config } = buildSave({ layout: 'oci', layers: [BASE] })
    const configPath = `blobs/sha256/${sha256(config)}`
    const archive = tarArchive(
      entries.map(entry =>
        entry.name === configPath ? { ...entry, content: '{}' } : entry
      )
    )
    const measured = await measure(archive)
    expect(measured.configSize).toBe(2)
    expect(measured.layers[0].digest).toBe(`sha256:${sha256(BASE)}`)
  })

  test('stays close to one gzip stream for a layer of many blocks', async () => {
    const source = fileURLToPath(
      new URL(
        '../../node_modules/typescript/lib/typescript.js',
        import.meta.url
      )
    )
    const big = tarArchive([
      { name: 'lib/typescript.js', content: readFileSync(source) },
      { name: 'lib/random', content: randomBytes(300_000) }
    ])
    const { archive } = buildSave({ layout: 'oci', layers: [big] })
    const [layer] = (await measure(archive, [65536])).layers
    expect(layer.size).toBe(big.length)
    expect(Math.abs(layer.compressedSize - gz(big)) / gz(big)).toBeLessThan(
      0.005
    )
  })

  test('reads a Readable and gives the same figures at any concurrency', async () => {
    const { archive } = buildSave({ layout: 'oci', layers: [BASE, APP] })
    const results = await Promise.all(
      [1, 2, 4].map(concurrency =>
        measureSavedImage(Readable.from(inPieces(archive, [1000])), {
          concurrency
        })
      )
    )
    expect(results[1]).toEqual(results[0])
    expect(results[2]).toEqual(results[0])
  })

  test('lists only as many large files as asked, per directory depth', async () => {
    const { archive } = buildSave({ layout: 'oci', layers: [BASE] })
    const [layer] = (
      await measureSavedImage(inPieces(archive), {
        largestFileCount: 1,
        directoryDepth: 1
      })
    ).layers
    expect(layer.largestFiles).toEqual([
      { path: 'usr/lib/libc.so.6', size: 20_000 }
    ])
    expect(layer.directories).toEqual([
      { path: 'usr', size: 25_000 },
      { path: 'etc', size: 380 }
    ])
  })

  test.each([
    [{ largestFileCount: -1 }],
    [{ directoryDepth: 0 }],
    [{ concurrency: 0 }]
  ])('refuses the options %p', async options => {
    await expect(
      measureSavedImage(inPieces(tarArchive([])), options)
    ).rejects.toThrow(RangeError)
  })
})

describe('measureSavedImage on broken saves', () => {
  const { archive, entries } = buildSave({
    layout: 'oci',
    layers: [BASE, APP]
  })
  const manifestOf = (layers: string[], images = 1) =>
    JSON.stringify(
      Array.from({ length: images }, () => ({
        Config: configPath,
        Layers: layers
      }))
    )
  const configPath = JSON.parse(
    entries.find(entry => entry.name === 'manifest.json')?.content as string
  )[0].Config as string
  const withoutManifest = entries.filter(e => e.name !== 'manifest.json')
  const saveWith = (extra: TestEntry[]) =>
    tarArchive([...withoutManifest, ...extra])
  const oneLayer = (content: Buffer | string) =>
    saveWith([
      { name: 'blobs/sha256/layer', content },
      { name: 'manifest.json', content: manifestOf(['blobs/sha256/layer']) }
    ])
  const truncatedLayer = BASE.subarray(0, 1024 + 100)
  const zstdLayer = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0])
  const corruptGzipLayer = Buffer.concat([
    gzipSync(BASE).subarray(0, 200),
    Buffer.alloc(300, 1)
  ])

  const CASES: [string, Buffer, new (message: string) => Error, string][] = [
    [
      'a save cut inside a layer',
      archive.subarray(0, 3000),
      TarFormatError,
      'tar archive is truncated'
    ],
    [
      'a save cut between entries',
      archive.subarray(0, archive.length - 2048),
      TarFormatError,
      'tar archive is truncated'
    ],
    [
      'something that is not a tar',
      Buffer.from('not a tar archive\n'.repeat(100)),
      TarFormatError,
      'not a tar archive'
    ],
    [
      'a save without manifest.json',
      saveWith([]),
      ImageArchiveError,
      'not the output of docker save: the archive has no manifest.json'
    ],
    [
      'a manifest.json that is not JSON',
      saveWith([{ name: 'manifest.json', content: '[{' }]),
      ImageArchiveError,
      'manifest.json in the saved image is not valid JSON'
    ],
    [
      'a manifest.json without layers',
      saveWith([{ name: 'manifest.json', content: '[{"Config": "x"}]' }]),
      ImageArchiveError,
      'manifest.json does not name a config and layers'
    ],
    [
      'a save of two images',
      saveWith([{ name: 'manifest.json', content: manifestOf([], 2) }]),
      ImageArchiveError,
      'manifest.json lists 2 images: save one image at a time'
    ],
    [
      'a layer the archive lacks',
      saveWith([
        { name: 'manifest.json', content: manifestOf(['blobs/sha256/gone']) }
      ]),
      ImageArchiveError,
      'manifest.json lists layer "blobs/sha256/gone", which the archive does not hold'
    ],
    [
      'a layer that is not a tar',
      oneLayer('{"json": true}'),
      ImageArchiveError,
      'layer "blobs/sha256/layer" is not a tar archive'
    ],
    [
      'a layer tar cut short',
      oneLayer(truncatedLayer),
      ImageArchiveError,
      'layer "blobs/sha256/layer" cannot be read: tar archive is truncated'
    ],
    [
      'a corrupt gzip layer',
      oneLayer(corruptGzipLayer),
      ImageArchiveError,
      'layer "blobs/sha256/layer" cannot be read'
    ],
    [
      'a zstd layer',
      oneLayer(zstdLayer),
      ImageArchiveError,
      'is compressed with zstd, which cannot be measured yet'
    ]
  ]

  test.each(CASES)(
    'rejects %s with a clear error',
    async (_title, broken, type, message) => {
      const measuring = measure(broken, [777])
      await expect(measuring).rejects.toThrow(type)
      await expect(measure(broken, [777])).rejects.toThrow(message)
    }
  )

  test('passes on the failure of the stream it reads', async () => {
    async function* failing() {
      yield archive.subarray(0, 5000)
      throw new Error('docker save died')
    }
    await expect(measureSavedImage(failing())).rejects.toThrow(
      'docker save died'
    )
  })

  test('destroys the stream it stops reading', async () => {
    const stream = Readable.from(inPieces(archive.subarray(0, 3000), [100]))
    await expect(measureSavedImage(stream)).rejects.toThrow(TarFormatError)
    expect(stream.destroyed).toBe(true)
  })
})
