import type * as github from '@actions/github'
import { CommentError } from './comment-error.js'
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './retry.js'

export { CommentError, type CommentErrorKind } from './comment-error.js'
export type { RetryPolicy } from './retry.js'

export type Octokit = ReturnType<typeof github.getOctokit>
export type ActionsContext = Pick<
  typeof github.context,
  'eventName' | 'payload'
>

export interface StickyCommentTarget {
  owner: string
  repo: string
  issueNumber: number
  /** Identifies the report (e.g. the project path); one comment per key. */
  key: string
  /** Markdown; the marker is prepended. */
  body: string
  /**
   * Login the token acts as (e.g. 'github-actions[bot]' for GITHUB_TOKEN).
   * When several comments carry the marker, this author's oldest one wins;
   * without it, the oldest overall.
   */
  author?: string
}

export interface UpsertResult {
  action: 'created' | 'updated'
  id: number
  url: string
}

/** The fields of an issue comment we use. */
interface Comment {
  id: number
  body?: string
  html_url: string
  user: { login: string } | null
}

/**
 * A hidden HTML comment that identifies our report. The key is
 * percent-encoded (no '<', '>' or whitespace) and runs of '-' are encoded
 * too, so no key can end the HTML comment early or collide with another key.
 */
export function commentMarker(key: string): string {
  if (key === '') throw new Error('The sticky comment key must not be empty.')
  return `<!-- venvship:report key=${encodeKey(key)} -->`
}

function encodeKey(key: string): string {
  // Round-tripping through UTF-8 replaces lone surrogates, which
  // encodeURIComponent would reject.
  const wellFormed = Buffer.from(key.normalize('NFC'), 'utf8').toString('utf8')
  return encodeURIComponent(wellFormed).replace(/-{2,}/g, dashes =>
    '%2D'.repeat(dashes.length)
  )
}

export function getPullRequestNumber(
  context: ActionsContext
): number | undefined {
  const pullRequestEvents = ['pull_request', 'pull_request_target']
  if (!pullRequestEvents.includes(context.eventName)) return undefined
  const number: unknown = context.payload.pull_request?.number
  return Number.isInteger(number) && Number(number) > 0
    ? Number(number)
    : undefined
}

/**
 * Creates our report comment on the pull request, or updates it in place
 * if it is already there.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  target: StickyCommentTarget,
  retry: Partial<RetryPolicy> = {}
): Promise<UpsertResult> {
  const comments = new CommentsApi(octokit, target, {
    ...defaultRetryPolicy,
    ...retry
  })
  const marker = commentMarker(target.key)
  const body = `${marker}\n${target.body}`
  // A second round only happens when the comment we meant to update was
  // deleted meanwhile (a racing run removing its duplicates).
  for (let round = 1; ; round++) {
    const existing = preferred(await comments.listMarked(marker), target)
    if (existing === undefined) {
      return createWithoutDuplicates(comments, marker, body)
    }
    try {
      return resultOf('updated', await comments.update(existing.id, body))
    } catch (error) {
      if (round >= 2 || !isNotFound(error)) throw error
    }
  }
}

/**
 * Two runs racing (e.g. a re-run while the first is still going) can both
 * find no comment and both create one. So after creating, we list again:
 * every run keeps the oldest comment of ours (lowest id), writes its body
 * there and deletes the rest of ours. The later of two creators always lists
 * after both comments exist, so at least one run cleans up; the survivor
 * ends with whichever run wrote last. Comments by others are never deleted.
 */
async function createWithoutDuplicates(
  comments: CommentsApi,
  marker: string,
  body: string
): Promise<UpsertResult> {
  const created = await comments.create(body)
  const listed = await comments.listMarked(marker)
  // Include `created` even if the listing does not show it yet.
  const ours = [
    created,
    ...listed.filter(comment => comment.id !== created.id)
  ].filter(comment => sameAuthor(comment, created))
  const keep = oldest(ours)
  const result =
    keep.id === created.id
      ? resultOf('created', created)
      : resultOf('updated', await comments.update(keep.id, body))
  await comments.removeAll(ours.filter(comment => comment.id !== keep.id))
  return result
}

function preferred(
  marked: Comment[],
  target: StickyCommentTarget
): Comment | undefined {
  const byAuthor = marked.filter(
    comment =>
      target.author !== undefined && comment.user?.login === target.author
  )
  const candidates = byAuthor.length > 0 ? byAuthor : marked
  return candidates.length > 0 ? oldest(candidates) : undefined
}

/** Lowest id: ids grow with creation time. Callers pass a non-empty list. */
function oldest(comments: Comment[]): Comment {
  return comments.reduce((a, b) => (b.id < a.id ? b : a))
}

function sameAuthor(a: Comment, b: Comment): boolean {
  return a.id === b.id || (a.user !== null && a.user.login === b.user?.login)
}

function resultOf(
  action: UpsertResult['action'],
  comment: Comment
): UpsertResult {
  return { action, id: comment.id, url: comment.html_url }
}

function isNotFound(error: unknown): boolean {
  return error instanceof CommentError && error.kind === 'not-found'
}

/** The four comment endpoints, each call retried per the policy. */
class CommentsApi {
  constructor(
    private readonly octokit: Octokit,
    private readonly target: StickyCommentTarget,
    private readonly policy: RetryPolicy
  ) {}

  private get where(): string {
    const { owner, repo, issueNumber } = this.target
    return `${owner}/${repo}#${issueNumber}`
  }

  /**
   * Every comment (all pages) whose body starts with the marker. We
   * prepend it, so a comment merely quoting the marker does not count.
   */
  async listMarked(marker: string): Promise<Comment[]> {
    const { owner, repo, issueNumber } = this.target
    // The whole listing is retried: simpler than resuming mid-pagination,
    // and pull requests rarely have more than a few pages of comments.
    return withRetry(
      `listing the comments on ${this.where}`,
      () =>
        this.octokit.paginate(
          this.octokit.rest.issues.listComments,
          { owner, repo, issue_number: issueNumber, per_page: 100 },
          response =>
            response.data.filter(comment =>
              (comment.body ?? '').trimStart().startsWith(marker)
            )
        ),
      this.policy
    )
  }

  async create(body: string): Promise<Comment> {
    const { owner, repo, issueNumber } = this.target
    const response = await withRetry(
      `creating the report comment on ${this.where}`,
      () =>
        this.octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: issueNumber,
          body
        }),
      this.policy
    )
    return response.data
  }

  async update(commentId: number, body: string): Promise<Comment> {
    const { owner, repo } = this.target
    const response = await withRetry(
      `updating report comment ${commentId} on ${this.where}`,
      () =>
        this.octokit.rest.issues.updateComment({
          owner,
          repo,
          comment_id: commentId,
          body
        }),
      this.policy
    )
    return response.data
  }

  /** Deleting a comment a racing run already deleted is fine. */
  async remove(commentId: number): Promise<void> {
    const { owner, repo } = this.target
    try {
      await withRetry(
        `deleting duplicate report comment ${commentId} on ${this.where}`,
        () =>
          this.octokit.rest.issues.deleteComment({
            owner,
            repo,
            comment_id: commentId
          }),
        this.policy
      )
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
  }

  async removeAll(comments: Comment[]): Promise<void> {
    for (const comment of comments) await this.remove(comment.id)
  }
}
