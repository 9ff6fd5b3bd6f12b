import { describe, expect, it } from '@jest/globals'
import {
  budgetMessage,
  type BudgetResult,
  checkBudgets
} from '../../src/enforce/budgets.js'
import { sampleFigures } from '../support/fixtures.js'

const MB = 1_000_000

describe('checkBudgets', () => {
  it.each([
    { name: 'under', limit: 200 * MB, size: 150 * MB, passed: true },
    { name: 'equal', limit: 150 * MB, size: 150 * MB, passed: true },
    {
      name: 'one byte over',
      limit: 150 * MB,
      size: 150 * MB + 1,
      passed: false
    },
    { name: 'far over', limit: 100 * MB, size: 150 * MB, passed: false }
  ])(
    'max-size $name the limit: passed is $passed',
    ({ limit, size, passed }) => {
      const images = {
        baseline: sampleFigures('baseline', { size: 10 * limit }),
        optimized: sampleFigures('optimized', { size })
      }
      expect(checkBudgets({ maxSize: limit }, images)).toEqual([
        {
          input: 'max-size',
          image: 'optimized',
          measure: 'size',
          bound: 'max',
          limit,
          actual: size,
          passed
        }
      ])
    }
  )

  const images = {
    baseline: sampleFigures('baseline', { size: 400 * MB }),
    optimized: sampleFigures('optimized', {
      size: 100 * MB,
      compressedSize: 40 * MB
    })
  }

  it.each([
    {
      budgets: { maxCompressedSize: 40 * MB },
      input: 'max-compressed-size',
      passed: true
    },
    {
      budgets: { maxCompressedSize: 39 * MB },
      input: 'max-compressed-size',
      passed: false
    },
    {
      budgets: { maxBaselineSize: 400 * MB },
      input: 'max-baseline-size',
      passed: true
    },
    {
      budgets: { maxBaselineSize: 300 * MB },
      input: 'max-baseline-size',
      passed: false
    },
    { budgets: { minReduction: 75 }, input: 'min-reduction', passed: true },
    { budgets: { minReduction: 75.1 }, input: 'min-reduction', passed: false }
  ])('$input $budgets: passed is $passed', ({ budgets, input, passed }) => {
    const [result] = checkBudgets(budgets, images)
    expect(result).toMatchObject({ input, passed })
    if (!passed) expect(budgetMessage(result)).not.toContain('\n')
  })

  it.each([
    { maxGrowth: { bytes: 5 * MB }, base: 96 * MB, passed: true },
    { maxGrowth: { bytes: 3 * MB }, base: 96 * MB, passed: false },
    { maxGrowth: { percent: 5 }, base: 96 * MB, passed: true },
    { maxGrowth: { percent: 4 }, base: 96 * MB, passed: false },
    { maxGrowth: { bytes: 0 }, base: 120 * MB, passed: true }
  ])(
    'max-growth $maxGrowth from $base bytes: passed is $passed',
    ({ maxGrowth, base, passed }) => {
      const results = checkBudgets({ maxGrowth }, images, {
        branch: 'main',
        optimizedSize: base
      })
      expect(results).toHaveLength(1)
      expect(results[0]).toMatchObject({ input: 'max-growth', passed })
    }
  )

  it('checks no growth without a base-branch report', () => {
    expect(checkBudgets({ maxGrowth: { bytes: 1 } }, images)).toEqual([])
  })

  it('names the growth, the budget and the excess', () => {
    const [result] = checkBudgets({ maxGrowth: { percent: 1 } }, images, {
      branch: 'main',
      optimizedSize: 90 * MB
    })
    expect(budgetMessage(result)).toBe(
      'The optimized image grew by 10.0 MB against the base branch, over ' +
        'the max-growth budget of 900 kB by 9.10 MB.'
    )
  })

  it('names the shortfall of a reduction budget in points', () => {
    const [result] = checkBudgets({ minReduction: 80 }, images)
    expect(budgetMessage(result)).toBe(
      'The optimized image saves 75% against the baseline, short of the ' +
        'min-reduction budget of 80% by 5 points.'
    )
  })

  it.each([
    {
      name: 'no budget is set',
      budgets: {},
      images: { optimized: sampleFigures('optimized') }
    },
    {
      name: 'the optimized image was not measured',
      budgets: { maxSize: 100 * MB },
      images: { baseline: sampleFigures('baseline') }
    }
  ])('checks nothing when $name', ({ budgets, images }) => {
    expect(checkBudgets(budgets, images)).toEqual([])
  })
})

describe('budgetMessage', () => {
  it.each([
    {
      result: {
        input: 'max-size',
        image: 'optimized',
        limit: 150 * MB,
        actual: 162_345_678,
        measure: 'size',
        bound: 'max',
        passed: false
      } satisfies BudgetResult,
      expected:
        'The optimized image is 162 MB, over the max-size budget of ' +
        '150 MB by 12.3 MB.'
    },
    {
      result: {
        input: 'max-compressed-size',
        image: 'optimized',
        limit: 50 * MB,
        actual: 52 * MB,
        measure: 'compressed size',
        bound: 'max',
        passed: false
      } satisfies BudgetResult,
      expected:
        'The optimized image is 52.0 MB compressed, over the ' +
        'max-compressed-size budget of 50.0 MB by 2.00 MB.'
    },
    {
      result: {
        input: 'max-size',
        image: 'optimized',
        limit: 120 * 1024 ** 2,
        actual: 126 * MB,
        measure: 'size',
        bound: 'max',
        passed: false
      } satisfies BudgetResult,
      expected:
        'The optimized image is 126 MB, over the max-size budget of ' +
        '126 MB by 171 kB.'
    }
  ])('$expected', ({ result, expected }) => {
    const message = budgetMessage(result)
    expect(message).toBe(expected)
    expect(message).not.toContain('\n')
  })
})
