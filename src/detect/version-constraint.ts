/**
 * Just enough PEP 440 (and Poetry's ^ and ~) to answer one question: which
 * Python minor versions does a constraint such as ">=3.11,<3.14" admit?
 */

type Version = number[]
type Clause = (version: Version) => boolean

/** Minor versions we can build for, oldest first. */
export const SUPPORTED_MINORS = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14']

/**
 * The newest supported minor version admitted by `constraint`, undefined
 * when none is, or throws a SyntaxError naming the clause it cannot read.
 */
export function newestAdmittedMinor(constraint: string): string | undefined {
  const alternatives = parseConstraint(constraint)
  const admitted = SUPPORTED_MINORS.filter(minor =>
    alternatives.some(clauses => admitsMinor(clauses, minor))
  )
  return admitted.at(-1)
}

/**
 * Whether `version` (e.g. "0.13.9") satisfies `constraint`; throws a
 * SyntaxError naming the clause it cannot read.
 */
export function admitsVersion(constraint: string, version: string): boolean {
  const target = parseVersion(version)
  return parseConstraint(constraint).some(clauses =>
    clauses.every(clause => clause(target))
  )
}

// A minor version is admitted when some patch release of it satisfies
// every clause: ">=3.11.4" admits 3.11, "<3.12" does not admit 3.12.
function admitsMinor(clauses: Clause[], minor: string): boolean {
  const base = parseVersion(minor)
  for (let patch = 0; patch <= 30; patch++) {
    const version = [base[0], base[1], patch]
    if (clauses.every(clause => clause(version))) return true
  }
  return false
}

function parseConstraint(constraint: string): Clause[][] {
  // Poetry reads a single "|" as "||".
  return constraint
    .split(/\|\|?/)
    .map(part => part.split(/,|\s+(?=[<>=!~^])/))
    .map(parts =>
      parts
        .map(p => p.trim())
        .filter(Boolean)
        .map(parseClause)
    )
}

const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>|\^|~|=)?\s*v?([0-9*][0-9.*]*)$/

function parseClause(text: string): Clause {
  const match = CLAUSE.exec(text)
  if (!match) throw new SyntaxError(`cannot read "${text}"`)
  const operator = match[1] ?? '=='
  const raw = match[2]
  if (raw.includes('*')) return wildcard(operator, raw, text)
  const target = parseVersion(raw)
  switch (operator) {
    case '>=':
      return v => compare(v, target) >= 0
    case '>':
      return v => compare(v, target) > 0
    case '<=':
      return v => compare(v, target) <= 0
    case '<':
      return v => compare(v, target) < 0
    case '!=':
      return v => compare(v, target) !== 0
    case '~=':
      return between(target, compatibleUpper(target, text))
    case '^':
      return between(target, caretUpper(target))
    case '~':
      return between(target, tildeUpper(target))
    default:
      return v => compare(v, target) === 0
  }
}

function wildcard(operator: string, raw: string, text: string): Clause {
  // A bare "*" (Poetry's `python = "*"`) has no prefix: it admits all.
  const stem = raw.replace(/\.?\*$/, '')
  const prefix = stem ? parseVersion(stem) : []
  const matches = (v: Version) => prefix.every((part, i) => v[i] === part)
  if (operator === '==' || operator === '=') return matches
  if (operator === '!=') return v => !matches(v)
  throw new SyntaxError(`cannot read "${text}"`)
}

function between(lower: Version, upper: Version): Clause {
  return v => compare(v, lower) >= 0 && compare(v, upper) < 0
}

function compatibleUpper(target: Version, text: string): Version {
  if (target.length < 2) throw new SyntaxError(`cannot read "${text}"`)
  const upper = target.slice(0, -1)
  upper[upper.length - 1]++
  return upper
}

function caretUpper(target: Version): Version {
  const first = target.findIndex(part => part !== 0)
  const index = first === -1 ? target.length - 1 : first
  const upper = target.slice(0, index + 1)
  upper[index]++
  return upper
}

function tildeUpper(target: Version): Version {
  const upper = target.length > 1 ? target.slice(0, 2) : target.slice(0, 1)
  upper[upper.length - 1]++
  return upper
}

function parseVersion(text: string): Version {
  return text.split('.').map(part => Number.parseInt(part, 10) || 0)
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0)
    if (diff !== 0) return diff
  }
  return 0
}
