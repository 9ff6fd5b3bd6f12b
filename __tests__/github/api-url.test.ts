/**
 * In a workflow the runner sets GITHUB_API_URL (e.g. for GitHub Enterprise
 * Server) and getOctokit() picks it up with no baseUrl option. But
 * @actions/github reads it once, when the module is first imported, so this
 * file must set it before importing. Jest gives each test file its own
 * module registry, and nothing here imports @actions/github statically
 * (src/github/comment.ts only imports its types).
 */
import { upsertStickyComment } from '../../src/github/comment.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js'

let fake: FakeGitHub
const savedApiUrl = process.env.GITHUB_API_URL

beforeAll(async () => {
  fake = await startFakeGitHub()
  process.env.GITHUB_API_URL = fake.url
})

afterAll(async () => {
  if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL
  else process.env.GITHUB_API_URL = savedApiUrl
  await fake.close()
})

it('sends requests to GITHUB_API_URL when no baseUrl is given', async () => {
  const github = await import('@actions/github')
  const octokit = github.getOctokit('fake-token')

  const result = await upsertStickyComment(
    octokit,
    { owner: 'acme', repo: 'shop', issueNumber: 3, key: 'api', body: 'hi' },
    { log: () => {} }
  )

  expect(result.action).toBe('created')
  expect(fake.requestsTo('createComment')).toHaveLength(1)
  expect(fake.requests[0].headers.authorization).toBe('token fake-token')
})

it('ignores GITHUB_API_URL changes made after the import', async () => {
  const github = await import('@actions/github')
  process.env.GITHUB_API_URL = 'http://127.0.0.1:9'

  const octokit = github.getOctokit('fake-token')

  expect(octokit.request.endpoint.DEFAULTS.baseUrl).toBe(fake.url)
})
