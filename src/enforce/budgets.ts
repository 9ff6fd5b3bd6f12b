import type { Budgets } from '../inputs.js'
import type { ImageFigures } from '../report/model.js'
import { formatBytes, reductionPercent } from '../sizes.js'

export interface BudgetResult {
  /** The input that set the budget, e.g. "max-size". */
  input: string
  image: 'baseline' | 'optimized'
  /** What is limited: a size in bytes or a reduction in percent. */
  measure: 'size' | 'compressed size' | 'reduction' | 'growth'
  /** 'max': actual must not exceed limit; 'min': must not fall short. */
  bound: 'max' | 'min'
  limit: number
  actual: number
  passed: boolean
}

type Measured = Partial<Record<'baseline' | 'optimized', ImageFigures>>

/** The base branch's optimized size, when a report from it was found. */
export interface BaseSize {
  branch: string
  optimizedSize: number
}

/** Compares each budget that is set with the figure it limits. */
export function checkBudgets(
  budgets: Budgets,
  images: Measured,
  base?: BaseSize
): BudgetResult[] {
  const { baseline, optimized } = images
  const results: (BudgetResult | undefined)[] = [
    optimized &&
      check('max-size', 'optimized', 'size', budgets.maxSize, optimized.size),
    optimized &&
      check(
        'max-compressed-size',
        'optimized',
        'compressed size',
        budgets.maxCompressedSize,
        optimized.compressedSize
      ),
    baseline &&
      check(
        'max-baseline-size',
        'baseline',
        'size',
        budgets.maxBaselineSize,
        baseline.size
      ),
    baseline && optimized
      ? check(
          'min-reduction',
          'optimized',
          'reduction',
          budgets.minReduction,
          reductionPercent(baseline.size, optimized.size)
        )
      : undefined,
    optimized && base ? growth(budgets, optimized.size, base) : undefined
  ]
  return results.filter((r): r is BudgetResult => r !== undefined)
}

function growth(
  budgets: Budgets,
  size: number,
  base: BaseSize
): BudgetResult | undefined {
  const limit = budgets.maxGrowth
  if (!limit) return undefined
  const bytes =
    'bytes' in limit
      ? limit.bytes
      : Math.round((base.optimizedSize * limit.percent) / 100)
  const actual = size - base.optimizedSize
  return check('max-growth', 'optimized', 'growth', bytes, actual)
}

function check(
  input: string,
  image: BudgetResult['image'],
  measure: BudgetResult['measure'],
  limit: number | undefined,
  actual: number
): BudgetResult | undefined {
  if (limit === undefined) return undefined
  const bound = measure === 'reduction' ? 'min' : 'max'
  const passed = bound === 'max' ? actual <= limit : actual >= limit
  return { input, image, measure, bound, limit, actual, passed }
}

/** One line per broken budget: image, limit, figure and excess. */
export function budgetMessage(result: BudgetResult): string {
  if (result.measure === 'reduction') {
    return (
      `The ${result.image} image saves ${result.actual}% against the ` +
      `baseline, short of the ${result.input} budget of ${result.limit}% ` +
      `by ${round(result.limit - result.actual)} points.`
    )
  }
  if (result.measure === 'growth') {
    return (
      `The ${result.image} image grew by ${formatBytes(result.actual)} ` +
      `against the base branch, over the ${result.input} budget of ` +
      `${formatBytes(result.limit)} by ` +
      `${formatBytes(result.actual - result.limit)}.`
    )
  }
  const what = result.measure === 'size' ? '' : ' compressed'
  return (
    `The ${result.image} image is ${formatBytes(result.actual)}${what}, ` +
    `over the ${result.input} budget of ${formatBytes(result.limit)} by ` +
    `${formatBytes(result.actual - result.limit)}.`
  )
}

/** "45.0% of 50%" or "61.1 MB of 150 MB", for a budget that passed. */
export function budgetStatus(result: BudgetResult): string {
  const show = (value: number) =>
    result.measure === 'reduction' ? `${value}%` : formatBytes(value)
  const relation = result.bound === 'max' ? 'limit' : 'at least'
  return `${result.input}: ${show(result.actual)} (${relation} ${show(result.limit)})`
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}
