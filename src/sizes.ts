const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i

/**
 * Parses "150MB", "120 MiB", "1.5gb" or a bare number of bytes. Returns
 * undefined for anything else so that the caller can name the input.
 */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim())
  if (!match) return undefined
  const unit = match[2].toLowerCase() || 'b'
  const factor = UNITS[unit]
  if (factor === undefined) return undefined
  return Math.round(Number(match[1]) * factor)
}

export const SIZE_FORMS =
  'a number of bytes, or a number with kB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), e.g. 150MB'

/** Bytes in decimal units, as registries and `docker images` show them. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : ''
  let value = Math.abs(bytes)
  if (value < 1000) return `${sign}${value} B`
  for (const unit of ['kB', 'MB', 'GB', 'TB']) {
    value /= 1000
    // Decide on the rounded figure: 999 999 B is "1.00 MB", not "1000 kB".
    const text = threeDigits(value)
    if (Number(text) < 1000 || unit === 'TB') return `${sign}${text} ${unit}`
  }
  return `${sign}${bytes} B`
}

/** 1.54, 12.3, 123: three significant digits, once rounded. */
function threeDigits(value: number): string {
  for (const digits of [2, 1]) {
    const text = value.toFixed(digits)
    if (Number(text) < 10 ** (3 - digits)) return text
  }
  return value.toFixed(0)
}

/** Percentage saved going from `before` to `after`, one decimal place. */
export function reductionPercent(before: number, after: number): number {
  if (before <= 0) return 0
  return Math.round(((before - after) / before) * 1000) / 10
}

/** How many times `after` fits in `before`: "12.3×". */
export function ratio(before: number, after: number): string {
  if (after <= 0) return '–'
  return `${(before / after).toFixed(1)}×`
}
