import * as core from '@actions/core'
import { writeFileSync } from 'node:fs'
import { reductionPercent } from '../sizes.js'
import type { Report } from './model.js'

/** Sets the action's outputs; sizes are bytes, as documented. */
export function setOutputs(report: Report, reportFile: string): void {
  const { baseline, optimized } = report
  const outputs: Record<string, string | number | undefined> = {
    'baseline-size': baseline?.size,
    'optimized-size': optimized?.size,
    'baseline-compressed-size': baseline?.compressedSize,
    'optimized-compressed-size': optimized?.compressedSize,
    reduction:
      baseline && optimized
        ? reductionPercent(baseline.size, optimized.size)
        : undefined,
    'baseline-image': baseline?.tag,
    'optimized-image': optimized?.tag,
    dockerfile: report.dockerfile,
    report: reportFile,
    'failed-budgets': report.budgets
      .filter(b => !b.passed)
      .map(b => b.input)
      .join(',')
  }
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, value === undefined ? '' : String(value))
  }
}

/** The JSON report: every figure and what was detected. */
export function writeJsonReport(report: Report, file: string): void {
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
}
