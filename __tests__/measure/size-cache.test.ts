import { afterAll, describe, expect, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { ImageMeasurement } from '../../src/measure/index.js'
import {
  loadImageMeasurement,
  loadSizeCache,
  saveImageMeasurement,
  saveSizeCache,
  sizeCachePath
} from '../../src/measure/size-cache.js'
import { removeTempTrees, tempTree } from '../support/fixtures.js'

afterAll(removeTempTrees)

const cacheFile = () => path.join(tempTree(), 'sub', 'layer-sizes.json')

describe('size cache', () => {
  test('gives back what was saved, for the same method only', () => {
    const file = cacheFile()
    saveSizeCache(file, 'gzip -6', new Map([['sha256:a', 10]]))
    saveSizeCache(file, 'gzip -6', new Map([['sha256:b', 20]]))
    expect(loadSizeCache(file, 'gzip -6')).toEqual(
      new Map([
        ['sha256:a', 10],
        ['sha256:b', 20]
      ])
    )
    expect(loadSizeCache(file, 'zlib -6 (approximate)').size).toBe(0)
  })

  test('starts afresh when the method changes', () => {
    const file = cacheFile()
    saveSizeCache(file, 'gzip -6', new Map([['sha256:a', 10]]))
    saveSizeCache(file, 'zlib -6 (approximate)', new Map([['sha256:b', 9]]))
    expect(loadSizeCache(file, 'zlib -6 (approximate)')).toEqual(
      new Map([['sha256:b', 9]])
    )
  })

  test.each([
    ['a missing file', undefined],
    ['text that is not JSON', 'not json'],
    ['another shape', '{"version": 2, "layers": {}}'],
    [
      'a size that is not a whole number',
      '{"version":1,"method":"gzip -6","layers":{"x":{"compressedSize":"1","used":""}}}'
    ]
  ])('ignores %s', (_label, text) => {
    const file = cacheFile()
    if (text !== undefined) {
      saveSizeCache(file, 'gzip -6', new Map([['sha256:a', 1]]))
      writeFileSync(file, text)
    }
    expect(loadSizeCache(file, 'gzip -6').size).toBe(0)
  })

  test('keeps the most recently used entries', () => {
    const file = cacheFile()
    const many = new Map(
      Array.from({ length: 2_100 }, (_, i) => [`sha256:${i}`, i])
    )
    saveSizeCache(file, 'gzip -6', many, new Date('2026-01-01'))
    saveSizeCache(file, 'gzip -6', new Map([['sha256:new', 1]]))
    const loaded = loadSizeCache(file, 'gzip -6')
    expect(loaded.size).toBe(2_000)
    expect(loaded.get('sha256:new')).toBe(1)
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1)
  })

  test.each([
    [{ VENVSHIP_SIZE_CACHE: 'off' }, undefined],
    [{ VENVSHIP_SIZE_CACHE: '/tmp/x.json' }, '/tmp/x.json'],
    [
      { XDG_CACHE_HOME: '/var/cache/me' },
      '/var/cache/me/venvship/layer-sizes.json'
    ]
  ])('lives where %p says', (env, expected) => {
    expect(sizeCachePath(env)).toBe(expected)
  })
})

describe('image cache', () => {
  const measurement = (compression: ImageMeasurement['compression']) =>
    ({
      size: 100,
      compressedSize: 40,
      configSize: 2,
      compression,
      layers: [],
      largestFiles: [],
      directories: [],
      distributions: [],
      wasted: { bytes: 0, files: 0, largest: [] }
    }) satisfies ImageMeasurement

  test('gives back a whole measurement by image ID and method', () => {
    const file = cacheFile()
    saveImageMeasurement(file, 'sha256:image', measurement('gzip -6'))
    expect(loadImageMeasurement(file, 'gzip -6', 'sha256:image')).toEqual(
      measurement('gzip -6')
    )
    expect(
      loadImageMeasurement(file, 'gzip -6', 'sha256:other')
    ).toBeUndefined()
    expect(
      loadImageMeasurement(file, 'zlib -6 (approximate)', 'sha256:image')
    ).toBeUndefined()
    expect(loadImageMeasurement(undefined, 'gzip -6', 'x')).toBeUndefined()
  })

  test('keeps the 16 images used last', () => {
    const file = cacheFile()
    for (let i = 0; i < 20; i++) {
      const when = new Date(Date.UTC(2026, 0, 1, 0, i))
      saveImageMeasurement(file, `sha256:${i}`, measurement('gzip -6'), when)
    }
    expect(loadImageMeasurement(file, 'gzip -6', 'sha256:3')).toBeUndefined()
    expect(loadImageMeasurement(file, 'gzip -6', 'sha256:4')).toBeDefined()
    expect(loadImageMeasurement(file, 'gzip -6', 'sha256:19')).toBeDefined()
  })
})
