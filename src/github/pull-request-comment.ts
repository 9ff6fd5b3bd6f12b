import * as core from '@actions/core'
import * as github from '@actions/github'
import {
  CommentError,
  getPullRequestNumber,
  upsertStickyComment
} from './comment.js'

export interface CommentRequest {
  token: string
  /** Tells this project's comment from others' in the same pull request. */
  key: string
  body: string
}

export type CommentOutcome =
  | { posted: true; url: string; action: 'created' | 'updated' }
  | { posted: false; reason: string }

/**
 * Posts or updates the sticky comment when the run belongs to a pull
 * request. Never throws for GitHub's answers: a comment that cannot be
 * posted is a warning, and the step's result stays with the budgets.
 */
export async function commentOnPullRequest(
  request: CommentRequest
): Promise<CommentOutcome> {
  const { context } = github
  const issueNumber = getPullRequestNumber(context)
  if (issueNumber === undefined) {
    return {
      posted: false,
      reason: `no pull request in a ${context.eventName} event`
    }
  }
  if (context.eventName === 'pull_request_target') {
    core.warning(
      'venvship runs on pull_request_target: it builds and runs the pull ' +
        "request's code with this workflow's token and secrets. Prefer " +
        'pull_request unless you trust every contributor.'
    )
  }
  if (!request.token) {
    return warn('no github-token was given, so no comment was posted.')
  }
  try {
    const result = await upsertStickyComment(github.getOctokit(request.token), {
      ...context.repo,
      issueNumber,
      key: request.key,
      body: request.body
    })
    core.info(`Pull-request comment ${result.action}: ${result.url}`)
    return { posted: true, url: result.url, action: result.action }
  } catch (error) {
    if (!(error instanceof CommentError)) throw error
    return warn(error.message)
  }
}

function warn(reason: string): CommentOutcome {
  core.warning(`The size report was not posted on the pull request: ${reason}`)
  return { posted: false, reason }
}
