import * as github from '@actions/github'
import {
  CommentError,
  commentMarker,
  getPullRequestNumber,
  upsertStickyComment,
  type ActionsContext,
  type CommentErrorKind,
  type Octokit,
  type RetryPolicy,
  type StickyCommentTarget
} from '../../src/github/comment.js'
import {
  actionsBot,
  answerNormally,
  failures,
  startFakeGitHub,
  type FakeGitHub,
  type FakeUser,
  type ScriptedReply
} from '../support/fake-github.js'

const where = { owner: 'acme', repo: 'shop', issueNumber: 7 }
const someone: FakeUser = { login: 'someone', id: 5, type: 'User' }

let fake: FakeGitHub
let octokit: Octokit
let waits: number[]
let logged: string[]
let retry: Partial<RetryPolicy>

beforeEach(async () => {
  fake = await startFakeGitHub()
  octokit = github.getOctokit('fake-token', { baseUrl: fake.url })
  waits = []
  logged = []
  // Record the waits and retry lines instead of sleeping and printing.
  retry = {
    sleep: async ms => {
      waits.push(ms)
    },
    log: line => {
      logged.push(line)
    }
  }
})

afterEach(async () => {
  await fake.close()
})

function upsert(
  key: string,
  body: string,
  extra?: Partial<StickyCommentTarget>
) {
  return upsertStickyComment(octokit, { ...where, key, body, ...extra }, retry)
}

function commentsOnPullRequest() {
  return fake.state.commentsOn(where.owner, where.repo, where.issueNumber)
}

function seed(body: string, user: FakeUser = actionsBot) {
  return fake.state.addComment({ ...where, body, user })
}

async function failureOf(promise: Promise<unknown>): Promise<CommentError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof CommentError) return error
    throw error
  }
  throw new Error('expected a CommentError, but the call succeeded')
}

describe('upsertStickyComment', () => {
  it('creates the comment, marker first, when none exists', async () => {
    const result = await upsert('services/api', 'Image: 42 MB')

    const [comment] = commentsOnPullRequest()
    expect(commentsOnPullRequest()).toHaveLength(1)
    expect(comment.body).toBe(`${commentMarker('services/api')}\nImage: 42 MB`)
    expect(result).toEqual({
      action: 'created',
      id: comment.id,
      url: `https://github.com/acme/shop/pull/7#issuecomment-${comment.id}`
    })
  })

  it('updates the same comment in place on the second run', async () => {
    const first = await upsert('api', 'Image: 42 MB')
    const second = await upsert('api', 'Image: 40 MB')

    expect(second).toEqual({ ...first, action: 'updated' })
    expect(commentsOnPullRequest()).toHaveLength(1)
    expect(commentsOnPullRequest()[0].body).toMatch(/\nImage: 40 MB$/)
    expect(fake.requestsTo('createComment')).toHaveLength(1)
    expect(fake.requestsTo('updateComment')).toHaveLength(1)
  })

  it('finds the marker on page 3 of 3 by following Link headers', async () => {
    for (let i = 0; i < 250; i++) {
      seed(`chatter ${i}`, i % 2 === 0 ? someone : actionsBot)
    }
    const ours = seed(`${commentMarker('api')}\nold report`)

    const result = await upsert('api', 'new report')

    expect(result).toMatchObject({ action: 'updated', id: ours.id })
    const pages = fake
      .requestsTo('listComments')
      .map(request => [request.query.page ?? '1', request.query.per_page])
    expect(pages).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100']
    ])
    expect(fake.requestsTo('createComment')).toHaveLength(0)
  })

  it('leaves exactly one comment when two runs race', async () => {
    const results = await Promise.all([
      upsert('api', 'from run A'),
      upsert('api', 'from run B')
    ])

    // Both runs found nothing and created one: the race really happened.
    expect(fake.requestsTo('createComment')).toHaveLength(2)
    const remaining = commentsOnPullRequest()
    expect(remaining).toHaveLength(1)
    expect(remaining[0].body).toMatch(/\nfrom run [AB]$/)
    expect(results.map(result => result.id)).toEqual([
      remaining[0].id,
      remaining[0].id
    ])
  })

  it('after losing a race, keeps the oldest of ours and deletes only ours', async () => {
    const theirs = seed(`${commentMarker('api')}\nquoted by a human`, someone)
    const older = seed(`${commentMarker('api')}\nwritten by a racing run`)
    // The first listing misses the racer's comment, as if it were posted
    // just after we looked.
    fake.script('listComments', { status: 200, body: [] })

    const result = await upsert('api', 'our report')

    expect(result).toMatchObject({ action: 'updated', id: older.id })
    expect(commentsOnPullRequest().map(comment => comment.id)).toEqual([
      theirs.id,
      older.id
    ])
    expect(commentsOnPullRequest()[1].body).toMatch(/\nour report$/)
    expect(fake.requestsTo('deleteComment')).toHaveLength(1)
  })

  it('keeps one comment per key', async () => {
    await upsert('api', 'api report')
    await upsert('worker', 'worker report')
    await upsert('api', 'api report, again')

    const bodies = commentsOnPullRequest().map(comment => comment.body)
    expect(bodies).toEqual([
      `${commentMarker('api')}\napi report, again`,
      `${commentMarker('worker')}\nworker report`
    ])
  })

  it("prefers the token's own comment when several carry the marker", async () => {
    seed(`${commentMarker('api')}\ncopied by someone`, someone)
    const ours = seed(`${commentMarker('api')}\nold report`)

    const result = await upsert('api', 'new report', {
      author: actionsBot.login
    })

    expect(result).toMatchObject({ action: 'updated', id: ours.id })
  })

  it('ignores comments that only quote the marker', async () => {
    seed(`Why does the bot write ${commentMarker('api')}?`, someone)

    const result = await upsert('api', 'report')

    expect(result.action).toBe('created')
    expect(commentsOnPullRequest()).toHaveLength(2)
  })

  it('lists again when the comment vanished before it could be updated', async () => {
    const ours = seed(`${commentMarker('api')}\nold report`)
    fake.script('updateComment', failures.notFound())

    const result = await upsert('api', 'new report')

    expect(result).toMatchObject({ action: 'updated', id: ours.id })
    expect(fake.requestsTo('listComments')).toHaveLength(2)
  })
})

describe('retries', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000)

  it.each<[string, () => ScriptedReply, (wait: number) => boolean]>([
    ['a 500', () => failures.serverError(500), wait => wait === 1000],
    ['a 502', () => failures.serverError(502), wait => wait === 1000],
    [
      'a secondary rate limit with retry-after',
      () => failures.secondaryRateLimit(1),
      wait => wait === 1000
    ],
    [
      'a secondary rate limit without headers (GitHub says wait a minute)',
      () => failures.secondaryRateLimit(),
      wait => wait === 60_000
    ],
    [
      'a 429 with retry-after',
      () => failures.tooManyRequests(3),
      wait => wait === 3000
    ],
    [
      'an exhausted quota (waits for x-ratelimit-reset)',
      () => failures.quotaExhausted(nowSeconds() + 5),
      wait => wait > 3000 && wait <= 5000
    ],
    [
      'a dropped connection',
      () => failures.dropConnection(),
      wait => wait === 1000
    ]
  ])('retries %s and then succeeds', async (_case, failure, waitIsRight) => {
    fake.script('createComment', failure())

    const result = await upsert('api', 'report')

    expect(result.action).toBe('created')
    expect(fake.requestsTo('createComment')).toHaveLength(2)
    expect(commentsOnPullRequest()).toHaveLength(1)
    expect(waits).toHaveLength(1)
    expect(waitIsRight(waits[0])).toBe(true)
    expect(logged).toEqual([
      expect.stringMatching(
        /^GitHub API call failed while creating the report comment on acme\/shop#7 \(.+\); retrying in \d+\.\ds \(attempt 2 of 4\)\.$/
      )
    ])
  })

  it('backs off exponentially and gives up after 4 attempts', async () => {
    const serverErrors = Array.from({ length: 4 }, () => failures.serverError())
    fake.script('createComment', ...serverErrors)

    const error = await failureOf(upsert('api', 'report'))

    expect(error.kind).toBe('server')
    expect(error.message).toContain('after 4 attempts')
    expect(waits).toEqual([1000, 2000, 4000])
    expect(fake.requestsTo('createComment')).toHaveLength(4)
  })

  it('caps a long retry-after', async () => {
    fake.script('createComment', failures.tooManyRequests(3600))

    await upsert('api', 'report')

    expect(waits).toEqual([60_000])
  })

  it('retries a failed page by listing again from the start', async () => {
    for (let i = 0; i < 150; i++) seed(`chatter ${i}`)
    fake.script('listComments', answerNormally, failures.serverError(503))

    const result = await upsert('api', 'report')

    expect(result.action).toBe('created')
    expect(waits).toEqual([1000])
    const firstListing = fake
      .requestsTo('listComments')
      .slice(0, 4)
      .map(request => request.query.page ?? '1')
    expect(firstListing).toEqual(['1', '2', '1', '2'])
  })

  it('reports a rate limit that outlasts the retries as rate-limited', async () => {
    const limits = Array.from({ length: 4 }, () => failures.tooManyRequests(1))
    fake.script('listComments', ...limits)

    const error = await failureOf(upsert('api', 'report'))

    expect(error.kind).toBe('rate-limited')
    expect(error.status).toBe(429)
  })
})

describe('errors that are not retried', () => {
  it.each<[string, ScriptedReply, CommentErrorKind, RegExp]>([
    [
      '403 from a read-only token',
      failures.integrationForbidden(),
      'forbidden',
      /Resource not accessible by integration.*permissions: pull-requests: write.*forks/
    ],
    ['404', failures.notFound(), 'not-found', /404: Not Found/],
    [
      '401',
      { status: 401, body: { message: 'Bad credentials' } },
      'forbidden',
      /401: Bad credentials/
    ],
    [
      '422',
      { status: 422, body: { message: 'Validation Failed', errors: [] } },
      'invalid',
      /422: Validation Failed/
    ]
  ])('%s', async (_case, response, kind, message) => {
    fake.script('createComment', response)

    const error = await failureOf(upsert('api', 'report'))

    expect(error).toBeInstanceOf(CommentError)
    expect(error.kind).toBe(kind)
    expect(error.status).toBe(response.status)
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('\n')
    expect(fake.requestsTo('createComment')).toHaveLength(1)
    expect(waits).toEqual([])
  })

  it('reports a body over 65536 characters as invalid, from the real 422', async () => {
    const error = await failureOf(upsert('api', 'x'.repeat(65536)))

    expect(error.kind).toBe('invalid')
    expect(error.message).toBe(
      'GitHub rejected creating the report comment on acme/shop#7 (422: body is too long (maximum is 65536 characters)).'
    )
    expect(commentsOnPullRequest()).toHaveLength(0)
  })

  it('reports an unreachable API as a network error', async () => {
    await fake.close()

    const error = await failureOf(upsert('api', 'report'))

    expect(error.kind).toBe('network')
    expect(error.status).toBeUndefined()
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.message).toContain(
      `Could not reach the GitHub API at ${fake.url}`
    )
    expect(waits).toEqual([1000, 2000, 4000])
  })
})

describe('commentMarker', () => {
  it.each([
    ['api', '<!-- venvship:report key=api -->'],
    ['services/api', '<!-- venvship:report key=services%2Fapi -->'],
    ['my-app', '<!-- venvship:report key=my-app -->'],
    ['a--b', '<!-- venvship:report key=a%2D%2Db -->'],
    ['x -->', '<!-- venvship:report key=x%20%2D%2D%3E -->'],
    ['<!-- y', '<!-- venvship:report key=%3C!%2D%2D%20y -->']
  ])('encodes %j', (key, marker) => {
    expect(commentMarker(key)).toBe(marker)
  })

  it.each(['a--b', 'x -->', '--!>', 'a\n-->\nb', 'tail-', 'ü', '\uD800'])(
    'never lets %j end the HTML comment early',
    key => {
      const marker = commentMarker(key)
      const inside = marker.slice('<!--'.length, -'-->'.length)
      expect(inside).not.toMatch(/--|[<>\n]/)
      expect(marker.indexOf('-->')).toBe(marker.length - '-->'.length)
    }
  )

  it('gives distinct keys distinct markers', () => {
    const keys = ['a-b', 'a--b', 'a%2D%2Db', 'A-B', 'a b', 'a+b']
    expect(new Set(keys.map(commentMarker)).size).toBe(keys.length)
  })

  it('rejects an empty key', () => {
    expect(() => commentMarker('')).toThrow('must not be empty')
  })
})

describe('getPullRequestNumber', () => {
  const pullRequest = { pull_request: { number: 12 } }

  it.each<[string, ActionsContext, number | undefined]>([
    ['pull_request', { eventName: 'pull_request', payload: pullRequest }, 12],
    [
      'pull_request_target',
      { eventName: 'pull_request_target', payload: pullRequest },
      12
    ],
    ['push', { eventName: 'push', payload: pullRequest }, undefined],
    [
      'pull_request without a payload',
      { eventName: 'pull_request', payload: {} },
      undefined
    ],
    [
      'workflow_dispatch',
      { eventName: 'workflow_dispatch', payload: {} },
      undefined
    ]
  ])('%s', (_case, context, expected) => {
    expect(getPullRequestNumber(context)).toBe(expected)
  })
})
