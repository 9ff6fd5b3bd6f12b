import { describe, expect, it } from '@jest/globals'
import {
  admitsVersion,
  newestAdmittedMinor,
  SUPPORTED_MINORS
} from '../../src/detect/version-constraint.js'

describe('newestAdmittedMinor', () => {
  it('knows the minors it can build for, 3.9 to 3.14', () => {
    expect(SUPPORTED_MINORS).toEqual([
      '3.9',
      '3.10',
      '3.11',
      '3.12',
      '3.13',
      '3.14'
    ])
  })

  it.each([
    // PEP 440 comparisons
    ['>=3.11,<3.14', '3.13'],
    ['>=3.11, <3.14', '3.13'],
    ['>= 3.11 , < 3.14', '3.13'],
    ['>=3.11', '3.14'],
    ['>3.11', '3.14'],
    ['<3.12', '3.11'],
    ['<=3.12', '3.12'],
    ['<3.10', '3.9'],
    ['>=3.11.4,<3.12', '3.11'],
    ['==3.12.4', '3.12'],
    ['===3.12.4', '3.12'],
    ['3.12', '3.12'],
    ['==3.12.*', '3.12'],
    ['3.12.*', '3.12'],
    ['==3.*', '3.14'],
    ['!=3.13.*,>=3.12', '3.14'],
    ['!=3.14.*,>=3.12', '3.13'],
    ['>=3.12,!=3.14.*', '3.13'],
    ['~=3.11', '3.14'],
    ['~=3.11.2', '3.11'],
    // Poetry: ^ allows the left-most non-zero part to stay, ~ the minor
    ['^3.11', '3.14'],
    ['^3.11.4', '3.14'],
    ['~3.11', '3.11'],
    ['~3.11.2', '3.11'],
    ['~3', '3.14'],
    ['*', '3.14'],
    ['>=3.11 <3.14', '3.13'],
    // Poetry alternatives
    ['>=3.9,<3.11 || >=3.12,<3.13', '3.12'],
    ['~3.10 || ~3.12', '3.12'],
    ['^3.13 || ~3.9', '3.14'],
    // nothing supported
    ['>=3.15', undefined],
    ['<3.9', undefined],
    ['>=3.12,<3.12', undefined],
    ['==3.8.*', undefined],
    ['==3', undefined],
    ['^2.7', undefined]
  ])('%p admits %p at the newest', (constraint, minor) => {
    expect(newestAdmittedMinor(constraint)).toBe(minor)
  })

  it.each([
    'python3',
    'latest',
    '>=three',
    '3.11+',
    '=>3.11',
    '>=3.11.*',
    '~=3',
    '>=3.11,<3.14 or so',
    '3.12.x'
  ])('throws a SyntaxError for %p', constraint => {
    expect(() => newestAdmittedMinor(constraint)).toThrow(SyntaxError)
  })
})

describe("Poetry's single |", () => {
  it.each([
    ['^3.10 | ^3.11', '3.14'],
    ['~3.10 | ~3.11', '3.11'],
    ['>=3.9,<3.10 | >=3.12,<3.13', '3.12'],
    ['3.9.* | 3.10.*', '3.10']
  ])('%p → %p', (constraint, minor) => {
    expect(newestAdmittedMinor(constraint)).toBe(minor)
  })
})

describe('admitsVersion', () => {
  it.each([
    ['>=0.5', '0.13.9', true],
    ['>=0.5,<1', '0.13.9', true],
    ['<0.5', '0.13.9', false],
    ['==0.13.*', '0.13.9', true],
    ['~=0.12.0', '0.13.9', false],
    ['>=0.14 || ==0.13.9', '0.13.9', true]
  ])('%p admits %p: %p', (constraint, version, admitted) => {
    expect(admitsVersion(constraint, version)).toBe(admitted)
  })

  it('throws a SyntaxError naming what it cannot read', () => {
    expect(() => admitsVersion('latest', '1.0')).toThrow(/cannot read "latest"/)
  })
})
