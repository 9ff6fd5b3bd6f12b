import { describe, expect, it } from '@jest/globals'
import {
  formatBytes,
  parseSize,
  ratio,
  reductionPercent
} from '../../src/sizes.js'

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['1234', 1234],
    ['1234 B', 1234],
    ['1234b', 1234],
    ['150MB', 150_000_000],
    ['150 MB', 150_000_000],
    ['  150   mb  ', 150_000_000],
    ['1kB', 1000],
    ['1KB', 1000],
    ['1.5GB', 1_500_000_000],
    ['1.5gb', 1_500_000_000],
    ['2 TB', 2e12],
    ['1KiB', 1024],
    ['1 kib', 1024],
    ['120MiB', 120 * 1024 ** 2],
    ['120 MIB', 120 * 1024 ** 2],
    ['0.5 MiB', 512 * 1024],
    ['1.25 GiB', 1.25 * 1024 ** 3],
    ['1 TiB', 1024 ** 4],
    ['1.1MB', 1_100_000]
  ])('reads %p as %p bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it.each([
    '',
    '   ',
    'ten',
    'MB',
    '10XB',
    '10 M',
    '10 megabytes',
    '-5MB',
    '+5MB',
    '1e6',
    '1,5MB',
    '.5MB',
    '5.MB',
    '10 MB 20 MB',
    '0x10'
  ])('rejects %p', text => {
    expect(parseSize(text)).toBeUndefined()
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.00 kB'],
    [1536, '1.54 kB'],
    [12_345, '12.3 kB'],
    [123_456, '123 kB'],
    [9_999, '10.0 kB'],
    [99_990, '100 kB'],
    [999_499, '999 kB'],
    [999_999, '1.00 MB'],
    [150_000_000, '150 MB'],
    [1_500_000_000, '1.50 GB'],
    [999_999_999, '1.00 GB'],
    [2e12, '2.00 TB'],
    [5e15, '5000 TB'],
    [-1_500_000, '-1.50 MB'],
    [-12, '-12 B']
  ])('formats %p as %p', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('reductionPercent', () => {
  it.each([
    [1000, 250, 75],
    [1000, 1000, 0],
    [3, 1, 66.7],
    [1000, 0, 100],
    [1000, 1500, -50],
    [0, 100, 0],
    [-5, 1, 0]
  ])('from %p to %p saves %p%', (before, after, percent) => {
    expect(reductionPercent(before, after)).toBe(percent)
  })
})

describe('ratio', () => {
  it.each([
    [1000, 100, '10.0×'],
    [1000, 300, '3.3×'],
    [100, 1000, '0.1×'],
    [1000, 1000, '1.0×'],
    [1000, 0, '–'],
    [1000, -1, '–']
  ])('from %p to %p is %p', (before, after, text) => {
    expect(ratio(before, after)).toBe(text)
  })
})
