import * as core from '@actions/core'
import { setTimeout as sleepFor } from 'node:timers/promises'
import {
  asHttpFailure,
  headerOf,
  isNetworkFailure,
  isRateLimited,
  networkReason,
  toCommentError,
  type HttpFailure
} from './comment-error.js'

export interface RetryPolicy {
  /** Total tries, the first one included. */
  maxAttempts: number
  /** First backoff; doubles on every retry. */
  baseDelayMs: number
  /** Upper bound for any wait, retry-after included, so a job never stalls. */
  maxDelayMs: number
  /** Injectable so tests need not wait. */
  sleep: (ms: number) => Promise<void>
  /** Where "retrying in …" lines go. */
  log: (message: string) => void
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  sleep: async ms => {
    await sleepFor(ms)
  },
  log: message => core.info(message)
}

// GitHub asks for at least a minute when a secondary rate limit comes
// without a retry-after header.
const SECONDARY_LIMIT_WAIT_MS = 60_000

/**
 * Runs one GitHub call, retrying transient failures (no connection, 5xx,
 * rate limits) with exponential backoff. Any other HTTP failure, or the
 * last one, is thrown as a CommentError.
 */
export async function withRetry<T>(
  operation: string,
  call: () => Promise<T>,
  policy: RetryPolicy
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      // Anything but an HTTP failure is a bug of ours: let it through.
      const failure = asHttpFailure(error)
      if (failure === undefined) throw error
      const waitMs = nextWait(failure, attempt, policy)
      if (waitMs === undefined) {
        throw toCommentError(failure, operation, attempt)
      }
      policy.log(retryLine(failure, operation, waitMs, attempt, policy))
      await policy.sleep(waitMs)
    }
  }
}

function nextWait(
  failure: HttpFailure,
  attempt: number,
  policy: RetryPolicy
): number | undefined {
  if (attempt >= policy.maxAttempts || !isTransient(failure)) return undefined
  const backoffMs = policy.baseDelayMs * 2 ** (attempt - 1)
  return clamp(askedWaitMs(failure) ?? backoffMs, policy.maxDelayMs)
}

function isTransient(failure: HttpFailure): boolean {
  return (
    isNetworkFailure(failure) || failure.status >= 500 || isRateLimited(failure)
  )
}

/** The wait GitHub asked for, if it did. */
function askedWaitMs(failure: HttpFailure): number | undefined {
  const retryAfter = Number(headerOf(failure, 'retry-after'))
  if (headerOf(failure, 'retry-after') !== undefined && retryAfter >= 0) {
    return retryAfter * 1000
  }
  const resetAt = Number(headerOf(failure, 'x-ratelimit-reset'))
  if (headerOf(failure, 'x-ratelimit-remaining') === '0' && resetAt > 0) {
    return resetAt * 1000 - Date.now()
  }
  if (isRateLimited(failure) && failure.status === 403) {
    return SECONDARY_LIMIT_WAIT_MS
  }
  return undefined
}

function clamp(ms: number, maxMs: number): number {
  return Math.min(Math.max(0, Math.ceil(ms)), maxMs)
}

function retryLine(
  failure: HttpFailure,
  operation: string,
  waitMs: number,
  attempt: number,
  policy: RetryPolicy
): string {
  const cause = isNetworkFailure(failure)
    ? `no connection: ${networkReason(failure)}`
    : `HTTP ${failure.status}`
  const seconds = (waitMs / 1000).toFixed(1)
  return `GitHub API call failed while ${operation} (${cause}); retrying in ${seconds}s (attempt ${attempt + 1} of ${policy.maxAttempts}).`
}
