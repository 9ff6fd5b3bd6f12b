import {
  directoryBucket,
  normalizeLayerPath,
  readLayerContents,
  scanLayer
} from '../../src/measure/layer-contents.js'
import { inPieces, tarArchive, type TestEntry } from './tar-writer.js'

const bytes = (n: number) => Buffer.alloc(n, 'x')

const LAYER: TestEntry[] = [
  { name: './', type: '5' },
  { name: './usr/', type: '5' },
  { name: './usr/lib/', type: '5' },
  { name: './usr/lib/libbig.so', content: bytes(3000) },
  { name: './usr/lib/python3/site.py', content: bytes(1000) },
  { name: './usr/bin/python3', content: bytes(2000) },
  { name: './usr/bin/python', type: '2', linkName: 'python3' },
  { name: './usr/bin/python3.13', type: '1', linkName: 'usr/bin/python3' },
  { name: './app/.venv/lib/site-packages/numpy/core.so', content: bytes(2500) },
  { name: './etc/passwd', content: bytes(100) },
  { name: './README', content: bytes(10) },
  { name: './empty', content: '' },
  { name: './var/cache/apt/.wh.archives', content: '' },
  { name: './opt/.wh..wh..opq', content: '' }
]

describe('readLayerContents', () => {
  test('counts files, whiteouts and bytes per directory', async () => {
    const contents = await readLayerContents(
      inPieces(tarArchive(LAYER), [777]),
      { largestFileCount: 3, directoryDepth: 2 }
    )
    expect(contents).toEqual({
      files: 7,
      whiteouts: 2,
      largestFiles: [
        { path: 'usr/lib/libbig.so', size: 3000 },
        { path: 'app/.venv/lib/site-packages/numpy/core.so', size: 2500 },
        { path: 'usr/bin/python3', size: 2000 }
      ],
      directories: [
        { path: 'usr/lib', size: 4000 },
        { path: 'app/.venv', size: 2500 },
        { path: 'usr/bin', size: 2000 },
        { path: 'etc', size: 100 },
        { path: '.', size: 10 }
      ]
    })
  })

  test('keeps the largest files however many there are', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      name: `f/${String(i).padStart(4, '0')}`,
      content: bytes((i * 37) % 1000)
    }))
    const contents = await readLayerContents(inPieces(tarArchive(entries)), {
      largestFileCount: 5,
      directoryDepth: 1
    })
    const expected = entries
      .map(({ name, content }) => ({ path: name, size: content.length }))
      .sort((a, b) => b.size - a.size || a.path.localeCompare(b.path))
      .slice(0, 5)
    expect(contents.largestFiles).toEqual(expected)
    expect(contents.files).toBe(1000)
  })

  test('lists no files when asked for none', async () => {
    const contents = await readLayerContents(inPieces(tarArchive(LAYER)), {
      largestFileCount: 0,
      directoryDepth: 1
    })
    expect(contents.largestFiles).toEqual([])
    expect(contents.directories[0]).toEqual({ path: 'usr', size: 6000 })
  })

  test('reads an empty layer', async () => {
    const contents = await readLayerContents(inPieces(tarArchive([])), {
      largestFileCount: 5,
      directoryDepth: 2
    })
    expect(contents).toEqual({
      files: 0,
      whiteouts: 0,
      largestFiles: [],
      directories: []
    })
  })
})

describe('scanLayer', () => {
  const site = 'app/.venv/lib/python3.13/site-packages'
  const record = 'flask/__init__.py,sha256=x,10\n'

  test('lists every entry as a change, and keeps RECORD files', async () => {
    const layer = tarArchive([
      ...LAYER,
      { name: `${site}/flask-3.1.dist-info/RECORD`, content: record },
      // Not under site-packages: not an installed distribution's.
      { name: 'src/thing.dist-info/RECORD', content: 'x,,\n' }
    ])
    const scan = await scanLayer(inPieces(layer, [333]), {
      largestFileCount: 1,
      directoryDepth: 1
    })
    expect(scan.records).toEqual(
      new Map([[`${site}/flask-3.1.dist-info/RECORD`, record]])
    )
    expect(scan.changes.slice(0, 4)).toEqual([
      { path: '', kind: 'directory', size: 0 },
      { path: 'usr', kind: 'directory', size: 0 },
      { path: 'usr/lib', kind: 'directory', size: 0 },
      { path: 'usr/lib/libbig.so', kind: 'file', size: 3000 }
    ])
    const marks = scan.changes.filter(
      c => c.size === 0 && c.kind !== 'directory'
    )
    expect(marks).toEqual([
      { path: 'usr/bin/python', kind: 'other', size: 0 },
      { path: 'usr/bin/python3.13', kind: 'other', size: 0 },
      { path: 'empty', kind: 'file', size: 0 },
      { path: 'var/cache/apt/archives', kind: 'whiteout', size: 0 },
      { path: 'opt', kind: 'opaque', size: 0 }
    ])
  })
})

describe('layer paths', () => {
  test.each([
    ['./usr/lib/', 'usr/lib'],
    ['/usr//lib', 'usr/lib'],
    ['usr/lib', 'usr/lib'],
    ['./', ''],
    ['././a', 'a']
  ])('normalizes %p to %p', (name, path) => {
    expect(normalizeLayerPath(name)).toBe(path)
  })

  test.each([
    ['usr/lib/x86_64-linux-gnu/libc.so.6', 2, 'usr/lib'],
    ['usr/lib/libc.so.6', 2, 'usr/lib'],
    ['etc/passwd', 2, 'etc'],
    ['README', 2, '.'],
    ['app/.venv/bin/python', 1, 'app'],
    ['app/.venv/lib/python3.13/site-packages/x.py', 3, 'app/.venv/lib']
  ])('puts %p in the bucket of depth %p: %p', (path, depth, bucket) => {
    expect(directoryBucket(path, depth)).toBe(bucket)
  })
})
