import { describe, expect, test } from '@jest/globals'
import { ImageFileSystem } from '../../src/measure/image-files.js'
import type { LayerChange } from '../../src/measure/layer-contents.js'

const file = (path: string, size: number): LayerChange => ({
  path,
  kind: 'file',
  size
})
const dir = (path: string): LayerChange => ({
  path,
  kind: 'directory',
  size: 0
})
const link = (path: string): LayerChange => ({ path, kind: 'other', size: 0 })
const whiteout = (path: string): LayerChange => ({
  path,
  kind: 'whiteout',
  size: 0
})
const opaque = (path: string): LayerChange => ({
  path,
  kind: 'opaque',
  size: 0
})

function replay(layers: LayerChange[][]): ImageFileSystem {
  const files = new ImageFileSystem({ largestFileCount: 10, directoryDepth: 2 })
  layers.forEach((changes, index) => files.apply(index, changes))
  return files
}

const BASE = [
  dir('etc'),
  file('etc/os-release', 100),
  dir('var/cache/apt'),
  file('var/cache/apt/pkgcache.bin', 5000),
  file('var/cache/apt/srcpkgcache.bin', 4000),
  dir('usr/lib'),
  file('usr/lib/libc.so', 2000)
]

describe('ImageFileSystem', () => {
  test.each([
    {
      name: 'nothing hidden',
      layers: [BASE, [file('app/main.py', 10)]],
      wasted: { bytes: 0, files: 0 },
      visible: 11_110
    },
    {
      name: 'a file overwritten by a later layer',
      layers: [BASE, [file('etc/os-release', 120)]],
      wasted: { bytes: 100, files: 1 },
      largest: [
        {
          path: 'etc/os-release',
          size: 100,
          layer: 0,
          hiddenBy: 1,
          how: 'overwritten'
        }
      ],
      visible: 11_120
    },
    {
      name: 'a directory deleted by a whiteout',
      layers: [BASE, [whiteout('var/cache/apt')]],
      wasted: { bytes: 9000, files: 2 },
      visible: 2100
    },
    {
      name: 'an opaque directory hides what lower layers put there',
      layers: [
        BASE,
        [
          dir('var/cache/apt'),
          opaque('var/cache/apt'),
          file('var/cache/apt/new', 7)
        ]
      ],
      wasted: { bytes: 9000, files: 2 },
      visible: 2107
    },
    {
      name: 'a symlink over a directory hides the directory',
      layers: [BASE, [link('var/cache/apt')]],
      wasted: { bytes: 9000, files: 2 },
      visible: 2100
    },
    {
      name: 'a directory over a file hides the file',
      layers: [BASE, [dir('usr/lib/libc.so'), file('usr/lib/libc.so/x', 1)]],
      wasted: { bytes: 2000, files: 1 },
      visible: 9101
    },
    {
      name: 'a file written and deleted two layers on',
      layers: [BASE, [file('tmp/big', 300)], [whiteout('tmp/big')]],
      wasted: { bytes: 300, files: 1 },
      largest: [
        { path: 'tmp/big', size: 300, layer: 1, hiddenBy: 2, how: 'deleted' }
      ],
      visible: 11_100
    },
    {
      name: 'a whiteout of something that never was',
      layers: [BASE, [whiteout('nowhere/x'), whiteout('etc/none')]],
      wasted: { bytes: 0, files: 0 },
      visible: 11_100
    }
  ])('$name', ({ layers, wasted, largest, visible }) => {
    const files = replay(layers)
    const found = files.wastedBytes()
    expect({ bytes: found.bytes, files: found.files }).toEqual(wasted)
    if (largest) expect(found.largest).toEqual(largest)
    const total = [...files.files()].reduce((sum, f) => sum + f.size, 0)
    expect(total).toBe(visible)
  })

  test('lists the largest files and totals directories to the depth asked', () => {
    const files = replay([BASE, [file('app/.venv/lib/big.so', 3000)]])
    expect(files.largestFiles().slice(0, 3)).toEqual([
      { path: 'var/cache/apt/pkgcache.bin', size: 5000 },
      { path: 'var/cache/apt/srcpkgcache.bin', size: 4000 },
      { path: 'app/.venv/lib/big.so', size: 3000 }
    ])
    expect(files.directoryTotals()).toEqual([
      { path: 'var', size: 9000 },
      { path: 'var/cache', size: 9000 },
      { path: 'app', size: 3000 },
      { path: 'app/.venv', size: 3000 },
      { path: 'usr', size: 2000 },
      { path: 'usr/lib', size: 2000 },
      { path: 'etc', size: 100 }
    ])
    expect(files.fileSize('usr/lib/libc.so')).toBe(2000)
    expect(files.fileSize('usr/lib')).toBeUndefined()
    expect(files.fileSize('no/such')).toBeUndefined()
  })
})
