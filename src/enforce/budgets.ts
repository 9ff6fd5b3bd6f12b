import type { Budgets } from '../inputs.js'
import type { ImageFigures } from '../report/model.js'
import { formatBytes } from '../sizes.js'

export interface BudgetResult {
  /** The input that set the budget, e.g. "max-size". */
  input: string
  image: 'baseline' | 'optimized'
  limit: number
  actual: number
  passed: boolean
}

type Measured = Partial<Record<'baseline' | 'optimized', ImageFigures>>

/** Compares each budget that is set with the figure it limits. */
export function checkBudgets(
  budgets: Budgets,
  images: Measured
): BudgetResult[] {
  const results: BudgetResult[] = []
  const optimized = images.optimized
  if (budgets.maxSize !== undefined && optimized) {
    results.push(
      limit('max-size', 'optimized', budgets.maxSize, optimized.size)
    )
  }
  return results
}

function limit(
  input: string,
  image: BudgetResult['image'],
  bytes: number,
  actual: number
): BudgetResult {
  return { input, image, limit: bytes, actual, passed: actual <= bytes }
}

/** One line per broken budget: image, limit, size and excess. */
export function budgetMessage(result: BudgetResult): string {
  const excess = result.actual - result.limit
  return (
    `The ${result.image} image is ${formatBytes(result.actual)}, over the ` +
    `${result.input} budget of ${formatBytes(result.limit)} by ` +
    `${formatBytes(excess)}.`
  )
}
