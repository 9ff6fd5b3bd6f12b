import { describe, expect, it } from '@jest/globals'
import {
  artifactName,
  parseSizesRecord,
  recordedCompressedSizes,
  sizesRecord
} from '../../src/report/sizes-record.js'
import type { Report } from '../../src/report/model.js'
import { sampleFigures, sampleProject } from '../support/fixtures.js'

describe('artifactName', () => {
  it.each([
    ['.', 'venvship-sizes-root'],
    ['services/api', 'venvship-sizes-services-api'],
    ['a b:c*d?e|f', 'venvship-sizes-a-b-c-d-e-f'],
    ['examples/flask-pip', 'venvship-sizes-examples-flask-pip']
  ])('%s → %s', (key, name) => {
    expect(artifactName(key)).toBe(name)
    expect(name).not.toMatch(/[/\\:<>|*?"\s]/)
  })
})

describe('parseSizesRecord', () => {
  const valid = {
    version: 1,
    key: 'api',
    optimizedSize: 100,
    optimizedCompressedSize: 40
  }
  it.each([
    ['a valid record', JSON.stringify(valid), valid],
    ['not JSON', '{', undefined],
    ['another version', JSON.stringify({ ...valid, version: 2 }), undefined],
    [
      'sizes as text',
      JSON.stringify({ ...valid, optimizedSize: '1' }),
      undefined
    ],
    ['null', 'null', undefined]
  ])('%s', (_name, text, expected) => {
    expect(parseSizesRecord(text)).toEqual(expected)
  })
})

describe('sizesRecord', () => {
  const report = (optimized: boolean): Report => ({
    project: sampleProject(),
    baselineSource: 'generated',
    builderImage: 'debian:13-slim',
    runtimeImage: 'gcr.io/distroless/python3-debian13:nonroot',
    dockerfile: '/p/.venvship/Dockerfile',
    baseline: sampleFigures('baseline'),
    optimized: optimized ? sampleFigures('optimized') : undefined,
    budgets: []
  })

  it('keeps the numbers a pull request compares with', () => {
    const record = sizesRecord(report(true), 'api')
    expect(record).toMatchObject({
      version: 1,
      key: 'api',
      optimizedSize: sampleFigures('optimized').size,
      optimizedCompressedSize: sampleFigures('optimized').compressedSize,
      baselineSize: sampleFigures('baseline').size
    })
    expect(parseSizesRecord(JSON.stringify(record))).toEqual(record)
  })

  it('keeps the compressed size of every layer by blob digest', () => {
    const layer = (hex: string, compressedSize: number) => ({
      size: compressedSize * 3,
      compressedSize,
      blobDigest: `sha256:${hex.repeat(64)}`
    })
    const withLayers = {
      ...report(true),
      optimized: sampleFigures('optimized', {
        compression: 'gzip -6',
        layers: [layer('a', 10), layer('b', 20)]
      }),
      baseline: sampleFigures('baseline', {
        compression: 'gzip -6',
        layers: [layer('c', 30), { size: 5, compressedSize: 4 }]
      })
    }
    const record = sizesRecord(withLayers, 'api')
    expect(record?.layers).toEqual({
      compression: 'gzip -6',
      compressedSizes: {
        [`sha256:${'a'.repeat(64)}`]: 10,
        [`sha256:${'b'.repeat(64)}`]: 20,
        [`sha256:${'c'.repeat(64)}`]: 30
      }
    })
    expect(parseSizesRecord(JSON.stringify(record))).toEqual(record)
  })

  it('has nothing to keep without an optimized image', () => {
    expect(sizesRecord(report(false), 'api')).toBeUndefined()
  })
})

describe('recorded layer sizes', () => {
  const digest = `sha256:${'d'.repeat(64)}`
  const base = {
    version: 1,
    key: 'api',
    optimizedSize: 100,
    optimizedCompressedSize: 40
  }
  const withLayers = (layers: unknown) =>
    parseSizesRecord(JSON.stringify({ ...base, layers }))

  it.each<[string, unknown, [string, number][]]>([
    [
      'well formed',
      { compression: 'gzip -6', compressedSizes: { [digest]: 7 } },
      [[digest, 7]]
    ],
    [
      'a digest that is not sha256',
      { compression: 'gzip -6', compressedSizes: { 'md5:abc': 7 } },
      []
    ],
    [
      'a size that is not a whole number',
      { compression: 'gzip -6', compressedSizes: { [digest]: 7.5 } },
      []
    ],
    [
      'a negative size',
      { compression: 'gzip -6', compressedSizes: { [digest]: -1 } },
      []
    ],
    [
      'a size as text',
      { compression: 'gzip -6', compressedSizes: { [digest]: '7' } },
      []
    ],
    [
      'an unknown method',
      { compression: 'brotli', compressedSizes: { [digest]: 7 } },
      []
    ],
    ['no sizes', { compression: 'gzip -6' }, []],
    ['null', null, []]
  ])('%s', (_name, layers, expected) => {
    const record = withLayers(layers)
    expect(record?.optimizedSize).toBe(100)
    expect([...recordedCompressedSizes(record?.layers, 'gzip -6')]).toEqual(
      expected
    )
  })

  it('are not used by a measurement with another method', () => {
    const record = withLayers({
      compression: 'zlib -6 (approximate)',
      compressedSizes: { [digest]: 7 }
    })
    expect(recordedCompressedSizes(record?.layers, 'gzip -6').size).toBe(0)
    expect(
      recordedCompressedSizes(record?.layers, 'zlib -6 (approximate)').size
    ).toBe(1)
    expect(recordedCompressedSizes(undefined, 'gzip -6').size).toBe(0)
  })
})
