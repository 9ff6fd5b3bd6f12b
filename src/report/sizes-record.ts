import type { Report } from './model.js'

/**
 * The numbers a later pull request compares against: uploaded as an
 * artifact on pushes, read back from the base branch's latest run.
 */
export interface SizesRecord {
  version: 1
  key: string
  commit?: string
  ref?: string
  optimizedSize: number
  optimizedCompressedSize: number
  baselineSize?: number
}

export function sizesRecord(
  report: Report,
  key: string
): SizesRecord | undefined {
  if (!report.optimized) return undefined
  return {
    version: 1,
    key,
    commit: process.env.GITHUB_SHA,
    ref: process.env.GITHUB_REF,
    optimizedSize: report.optimized.size,
    optimizedCompressedSize: report.optimized.compressedSize,
    baselineSize: report.baseline?.size
  }
}

/** Reads a record back; undefined when it is not one of ours. */
export function parseSizesRecord(text: string): SizesRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const record = value as Partial<SizesRecord> | null
  const valid =
    record?.version === 1 &&
    typeof record.key === 'string' &&
    Number.isFinite(record.optimizedSize) &&
    Number.isFinite(record.optimizedCompressedSize)
  return valid ? (record as SizesRecord) : undefined
}

/** Artifact names refuse / \ : < > | * ? " and line breaks. */
export function artifactName(key: string): string {
  const slug = key
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
  return `venvship-sizes-${slug || 'root'}`
}
