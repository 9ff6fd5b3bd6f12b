/**
 * What went wrong when talking to GitHub, in terms a user can act on.
 * 'rate-limited' is only thrown once the retries have run out.
 */
export type CommentErrorKind =
  'forbidden' | 'not-found' | 'invalid' | 'rate-limited' | 'server' | 'network'

/** A GitHub API failure with a one-line, actionable message (no stack). */
export class CommentError extends Error {
  readonly kind: CommentErrorKind
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined

  constructor(kind: CommentErrorKind, message: string, status?: number) {
    super(message)
    this.name = 'CommentError'
    this.kind = kind
    this.status = status
  }
}

type HeaderValue = string | number | undefined

/**
 * The parts of Octokit's RequestError we rely on. Checked structurally so we
 * need not depend on @octokit/request-error directly.
 */
export interface HttpFailure {
  status: number
  message: string
  request?: { url?: string }
  response?: { headers: Record<string, HeaderValue>; data: unknown }
}

export function asHttpFailure(error: unknown): HttpFailure | undefined {
  return isHttpFailure(error) ? error : undefined
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return (
    error instanceof Error &&
    typeof (error as { status?: unknown }).status === 'number'
  )
}

/** Octokit reports a failed connection as status 500 with no response. */
export function isNetworkFailure(failure: HttpFailure): boolean {
  return failure.response === undefined
}

export function headerOf(
  failure: HttpFailure,
  name: string
): string | undefined {
  const value = failure.response?.headers[name]
  return value === undefined ? undefined : String(value)
}

/**
 * GitHub's own explanation, e.g. "Resource not accessible by integration" or,
 * for a 422, the field errors ("body is too long (maximum is 65536
 * characters)"). Flattened to one line.
 */
export function githubExplanation(failure: HttpFailure): string {
  const data = failure.response?.data
  const fromBody = isRecord(data) ? explanationFromBody(data) : undefined
  return oneLine(fromBody ?? failure.message)
}

function explanationFromBody(
  data: Record<string, unknown>
): string | undefined {
  const details = Array.isArray(data.errors)
    ? data.errors.map(errorDetail).filter(detail => detail !== '')
    : []
  if (details.length > 0) return details.join('; ')
  return typeof data.message === 'string' ? data.message : undefined
}

function errorDetail(entry: unknown): string {
  if (typeof entry === 'string') return entry
  if (isRecord(entry) && typeof entry.message === 'string') return entry.message
  return ''
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * Turns a failed GitHub request into a CommentError. `operation` reads like
 * "creating the report comment on owner/repo#12".
 */
export function toCommentError(
  failure: HttpFailure,
  operation: string,
  attempts: number
): CommentError {
  return classify(failure, operation, attempts)
}

function classify(
  failure: HttpFailure,
  operation: string,
  attempts: number
): CommentError {
  const { status } = failure
  const why = `${status}: ${githubExplanation(failure)}`
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  if (isNetworkFailure(failure)) {
    const message = `Could not reach the GitHub API at ${apiOrigin(failure)} while ${operation}${tries} (${networkReason(failure)}).`
    return new CommentError('network', message)
  }
  if (status === 401) {
    const message = `GitHub rejected the token while ${operation} (${why}). Check the token the action is given.`
    return new CommentError('forbidden', message, status)
  }
  if (isRateLimited(failure)) {
    const message = `GitHub kept rate-limiting the action while ${operation}${tries} (${why}). Re-run the job later or run fewer jobs at once.`
    return new CommentError('rate-limited', message, status)
  }
  if (status === 403) {
    const message = `GitHub refused ${operation} (${why}). Give the workflow "permissions: pull-requests: write"; pull requests from forks only get a read-only token, so the comment cannot be posted there.`
    return new CommentError('forbidden', message, status)
  }
  if (status === 404 || status === 410) {
    const message = `GitHub found nothing while ${operation} (${why}). Check the repository and pull request number, and that the token can see the repository.`
    return new CommentError('not-found', message, status)
  }
  if (status >= 500) {
    const message = `GitHub had a server error while ${operation}${tries} (${why}). This is usually temporary: re-run the job.`
    return new CommentError('server', message, status)
  }
  const message = `GitHub rejected ${operation} (${why}).`
  return new CommentError('invalid', message, status)
}

/**
 * Rate limiting as GitHub signals it: always 429; a 403 only with a
 * retry-after header, an exhausted quota, or a "secondary rate limit"
 * message (sometimes sent without any header).
 */
export function isRateLimited(failure: HttpFailure): boolean {
  if (failure.status === 429) return true
  if (failure.status !== 403) return false
  return (
    headerOf(failure, 'retry-after') !== undefined ||
    headerOf(failure, 'x-ratelimit-remaining') === '0' ||
    /secondary rate limit/i.test(githubExplanation(failure))
  )
}

/**
 * fetch only says "fetch failed"; the cause chain holds the useful part
 * (e.g. "connect ECONNREFUSED 127.0.0.1:443"). Walked structurally because
 * the errors may come from another realm.
 */
export function networkReason(failure: HttpFailure): string {
  let reason = failure.message
  let cause: unknown = (failure as { cause?: unknown }).cause
  for (let depth = 0; isRecord(cause) && depth < 5; depth++) {
    if (typeof cause.message === 'string' && cause.message !== '') {
      reason = cause.message
    }
    cause = cause.cause
  }
  return oneLine(reason)
}

function apiOrigin(failure: HttpFailure): string {
  try {
    return new URL(failure.request?.url ?? '').origin
  } catch {
    return 'the configured URL'
  }
}
