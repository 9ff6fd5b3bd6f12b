/** The stand-in must answer like GitHub, or the adapter tests prove little. */
import {
  failures,
  startFakeGitHub,
  type FakeGitHub
} from '../support/fake-github.js'

let fake: FakeGitHub
const auth = { authorization: 'token fake-token' }
const commentsPath = '/repos/acme/shop/issues/7/comments'

beforeEach(async () => {
  fake = await startFakeGitHub()
  for (let i = 0; i < 5; i++) {
    fake.state.addComment({
      owner: 'acme',
      repo: 'shop',
      issueNumber: 7,
      body: `c${i}`
    })
  }
})

afterEach(async () => {
  await fake.close()
})

function get(path: string) {
  return fetch(`${fake.url}${path}`, { headers: auth })
}

function send(method: string, path: string, body?: unknown) {
  return fetch(`${fake.url}${path}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

it.each([
  ['1', ['next', 'last'], ['c0', 'c1']],
  ['2', ['prev', 'next', 'last', 'first'], ['c2', 'c3']],
  ['3', ['prev', 'first'], ['c4']]
])('page %s has GitHub-style Link relations', async (page, rels, bodies) => {
  const response = await get(`${commentsPath}?per_page=2&page=${page}`)
  const link = response.headers.get('link') ?? ''
  const comments = (await response.json()) as { body: string }[]

  expect(response.headers.get('content-type')).toBe(
    'application/json; charset=utf-8'
  )
  expect([...link.matchAll(/rel="(\w+)"/g)].map(m => m[1])).toEqual(rels)
  expect(link).toContain(`<${fake.url}${commentsPath}?per_page=2&page=`)
  expect(comments.map(comment => comment.body)).toEqual(bodies)
})

it('sends no Link header when everything fits on one page', async () => {
  const response = await get(`${commentsPath}?per_page=100`)
  expect(response.headers.get('link')).toBeNull()
})

it('creates (201), updates (200) and deletes (204) comments', async () => {
  const created = await send('POST', commentsPath, { body: 'new' })
  const comment = (await created.json()) as {
    id: number
    user: { login: string; type: string }
  }
  expect(created.status).toBe(201)
  expect(comment.user).toMatchObject({
    login: 'github-actions[bot]',
    type: 'Bot'
  })

  const commentPath = `/repos/acme/shop/issues/comments/${comment.id}`
  expect((await send('PATCH', commentPath, { body: 'edited' })).status).toBe(
    200
  )
  const deleted = await send('DELETE', commentPath)
  expect(deleted.status).toBe(204)
  expect(await deleted.text()).toBe('')
  expect((await send('DELETE', commentPath)).status).toBe(404)
})

it('answers 422 for a body over 65536 characters', async () => {
  const response = await send('POST', commentsPath, { body: 'x'.repeat(65537) })
  expect(response.status).toBe(422)
  expect(await response.json()).toMatchObject({
    message: 'Validation Failed',
    errors: [{ field: 'body', code: 'custom' }]
  })
})

it('answers 401 without a token', async () => {
  const response = await fetch(`${fake.url}${commentsPath}`)
  expect(response.status).toBe(401)
})

it('plays scripted responses once each, in order, then behaves normally', async () => {
  fake.script(
    'listComments',
    failures.serverError(502),
    failures.tooManyRequests(7)
  )

  const statuses = [
    (await get(commentsPath)).status,
    (await get(commentsPath)).status,
    (await get(commentsPath)).status
  ]

  expect(statuses).toEqual([502, 429, 200])
  expect(fake.requests.map(request => request.scripted)).toEqual([
    true,
    true,
    false
  ])
})

it('serves a pull request once it is added', async () => {
  fake.state.addPullRequest({
    owner: 'acme',
    repo: 'shop',
    number: 7,
    title: 'T'
  })
  const response = await get('/repos/acme/shop/pulls/7')
  expect(await response.json()).toMatchObject({ number: 7, state: 'open' })
  expect((await get('/repos/acme/shop/pulls/8')).status).toBe(404)
})
