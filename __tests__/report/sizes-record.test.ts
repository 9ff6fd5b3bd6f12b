import { describe, expect, it } from '@jest/globals'
import {
  artifactName,
  parseSizesRecord,
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

  it('has nothing to keep without an optimized image', () => {
    expect(sizesRecord(report(false), 'api')).toBeUndefined()
  })
})
