/**
 * A stand-in for the GitHub REST endpoints the sticky comment uses, served
 * over real HTTP on 127.0.0.1 so the real Octokit can be pointed at it.
 * State lives in memory; failures are injected per route with script().
 */
import http from 'node:http'
import zlib from 'node:zlib'
import type { AddressInfo } from 'node:net'

export interface FakeUser {
  login: string
  id: number
  type: 'User' | 'Bot'
}

export const actionsBot: FakeUser = {
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot'
}

export interface StoredComment {
  id: number
  owner: string
  repo: string
  issueNumber: number
  body: string
  user: FakeUser
  createdAt: string
  updatedAt: string
}

export interface StoredPull {
  owner: string
  repo: string
  number: number
  title: string
  state: 'open' | 'closed'
  headSha: string
}

export type RouteName =
  | 'listComments'
  | 'createComment'
  | 'getComment'
  | 'updateComment'
  | 'deleteComment'
  | 'getPull'
  | 'listArtifacts'
  | 'downloadArtifact'

export interface ScriptedReply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Destroy the socket instead of answering (a network failure). */
  dropConnection?: boolean
}

/** Answer the call as usual; lets a failure hit a later call. */
export interface PassThrough {
  passThrough: true
}

export type ScriptedResponse = ScriptedReply | PassThrough

export const answerNormally: PassThrough = { passThrough: true }

export interface RecordedRequest {
  route: RouteName | undefined
  method: string
  path: string
  query: Record<string, string>
  headers: http.IncomingHttpHeaders
  body: unknown
  /** What the fake answered; 0 when it dropped the connection. */
  status: number
  scripted: boolean
}

export interface FakeGitHub {
  /** Base URL to give Octokit, e.g. http://127.0.0.1:43121 */
  url: string
  state: FakeState
  /** Queue responses for the next calls to `route`, one per call. */
  script: (route: RouteName, ...responses: ScriptedResponse[]) => void
  requests: RecordedRequest[]
  requestsTo: (route: RouteName) => RecordedRequest[]
  close: () => Promise<void>
}

export const GITHUB_COMMENT_LIMIT = 65536

const DOCS = 'https://docs.github.com/rest'

/** Ready-made failures, shaped like GitHub's. */
export const failures = {
  serverError: (status = 500): ScriptedReply => ({
    status,
    body: { message: 'Server Error' }
  }),
  integrationForbidden: (): ScriptedReply => ({
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: `${DOCS}/issues/comments#create-an-issue-comment`,
      status: '403'
    }
  }),
  notFound: (): ScriptedReply => ({
    status: 404,
    body: { message: 'Not Found', documentation_url: DOCS, status: '404' }
  }),
  secondaryRateLimit: (retryAfterSeconds?: number): ScriptedReply => ({
    status: 403,
    headers:
      retryAfterSeconds === undefined
        ? {}
        : { 'retry-after': String(retryAfterSeconds) },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      status: '403'
    }
  }),
  tooManyRequests: (retryAfterSeconds: number): ScriptedReply => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { message: 'Too Many Requests', status: '429' }
  }),
  quotaExhausted: (resetEpochSeconds: number): ScriptedReply => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(resetEpochSeconds)
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      status: '403'
    }
  }),
  dropConnection: (): ScriptedReply => ({ status: 0, dropConnection: true })
}

export interface StoredArtifact {
  id: number
  owner: string
  repo: string
  name: string
  /** The branch of the workflow run that uploaded it. */
  branch: string
  runId: number
  expired: boolean
  /** The files inside, served as a zip archive. */
  files: Record<string, string>
}

export class FakeState {
  comments: StoredComment[] = []
  artifacts: StoredArtifact[] = []
  pulls: StoredPull[] = []
  /** Token → the user it acts as; unknown tokens act as actionsBot. */
  users = new Map<string, FakeUser>()
  private nextId = 1_000_001
  private clock = Date.parse('2024-01-01T00:00:00Z')

  addComment(fields: {
    owner: string
    repo: string
    issueNumber: number
    body: string
    user?: FakeUser
  }): StoredComment {
    const now = this.tick()
    const comment: StoredComment = {
      user: actionsBot,
      ...fields,
      id: this.nextId++,
      createdAt: now,
      updatedAt: now
    }
    this.comments.push(comment)
    return comment
  }

  commentsOn(owner: string, repo: string, issueNumber: number) {
    return this.comments.filter(
      c => c.owner === owner && c.repo === repo && c.issueNumber === issueNumber
    )
  }

  findComment(owner: string, repo: string, id: number) {
    return this.comments.find(
      c => c.owner === owner && c.repo === repo && c.id === id
    )
  }

  updateComment(comment: StoredComment, body: string): void {
    comment.body = body
    comment.updatedAt = this.tick()
  }

  deleteComment(comment: StoredComment): void {
    this.comments = this.comments.filter(c => c !== comment)
  }

  addPullRequest(pull: Omit<StoredPull, 'state' | 'headSha'>): StoredPull {
    const stored: StoredPull = {
      state: 'open',
      headSha: 'a'.repeat(40),
      ...pull
    }
    this.pulls.push(stored)
    return stored
  }

  /** Newest last, like uploads over time; the API lists newest first. */
  addArtifact(fields: Omit<StoredArtifact, 'id'>): StoredArtifact {
    const artifact = { ...fields, id: this.nextId++ }
    this.artifacts.push(artifact)
    return artifact
  }

  userFor(token: string): FakeUser {
    return this.users.get(token) ?? actionsBot
  }

  /** Timestamps one second apart keep the order obvious. */
  private tick(): string {
    this.clock += 1000
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z')
  }
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

interface Call {
  params: string[]
  query: URLSearchParams
  body: unknown
  user: FakeUser
  /** Where the request was made: absolute links are built from it. */
  requestUrl: URL
}

type Handler = (state: FakeState, call: Call) => Reply

interface Route {
  name: RouteName
  method: string
  pattern: RegExp
  handle: Handler
}

const REPO = '/repos/([^/]+)/([^/]+)'

const routes: Route[] = [
  {
    name: 'listComments',
    method: 'GET',
    pattern: new RegExp(`^${REPO}/issues/(\\d+)/comments$`),
    handle: listComments
  },
  {
    name: 'createComment',
    method: 'POST',
    pattern: new RegExp(`^${REPO}/issues/(\\d+)/comments$`),
    handle: createComment
  },
  {
    name: 'getComment',
    method: 'GET',
    pattern: new RegExp(`^${REPO}/issues/comments/(\\d+)$`),
    handle: getComment
  },
  {
    name: 'updateComment',
    method: 'PATCH',
    pattern: new RegExp(`^${REPO}/issues/comments/(\\d+)$`),
    handle: updateComment
  },
  {
    name: 'deleteComment',
    method: 'DELETE',
    pattern: new RegExp(`^${REPO}/issues/comments/(\\d+)$`),
    handle: deleteComment
  },
  {
    name: 'getPull',
    method: 'GET',
    pattern: new RegExp(`^${REPO}/pulls/(\\d+)$`),
    handle: getPull
  },
  {
    name: 'listArtifacts',
    method: 'GET',
    pattern: new RegExp(`^${REPO}/actions/artifacts$`),
    handle: listArtifacts
  },
  {
    name: 'downloadArtifact',
    method: 'GET',
    pattern: new RegExp(`^${REPO}/actions/artifacts/(\\d+)/zip$`),
    handle: downloadArtifact
  }
]

/** Where artifact archives are served, like blob storage: no token. */
const BLOBS = '/_blobs/'

function listArtifacts(state: FakeState, call: Call): Reply {
  const [owner, repo] = call.params
  const name = call.query.get('name')
  const found = state.artifacts
    .filter(a => a.owner === owner && a.repo === repo)
    .filter(a => name === null || a.name === name)
    .reverse()
  return {
    status: 200,
    body: {
      total_count: found.length,
      artifacts: found.map(a => ({
        id: a.id,
        node_id: `A_${a.id}`,
        name: a.name,
        size_in_bytes: 100,
        url: `${call.requestUrl.origin}/repos/${owner}/${repo}/actions/artifacts/${a.id}`,
        archive_download_url: `${call.requestUrl.origin}/repos/${owner}/${repo}/actions/artifacts/${a.id}/zip`,
        expired: a.expired,
        created_at: '2024-01-01T00:00:00Z',
        updated_at: '2024-01-01T00:00:00Z',
        expires_at: '2024-04-01T00:00:00Z',
        workflow_run: {
          id: a.runId,
          repository_id: 1,
          head_repository_id: 1,
          head_branch: a.branch,
          head_sha: 'b'.repeat(40)
        }
      }))
    }
  }
}

function downloadArtifact(state: FakeState, call: Call): Reply {
  const [owner, repo, id] = call.params
  const artifact = state.artifacts.find(
    a => a.owner === owner && a.repo === repo && a.id === Number(id)
  )
  if (!artifact || artifact.expired) return notFound()
  return {
    status: 302,
    headers: { location: `${call.requestUrl.origin}${BLOBS}${artifact.id}` }
  }
}

/** A zip archive with stored (uncompressed) entries: all unzip needs. */
export function zipArchive(files: Record<string, string>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text)
    const nameBytes = Buffer.from(name)
    const crc = zlib.crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, data)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(centrals.length / 2, 8)
  end.writeUInt16LE(centrals.length / 2, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

function listComments(state: FakeState, call: Call): Reply {
  const [owner, repo, issueNumber] = call.params
  const all = state.commentsOn(owner, repo, Number(issueNumber))
  const perPage = clampInt(call.query.get('per_page'), 30, 1, 100)
  const page = clampInt(call.query.get('page'), 1, 1, Number.MAX_SAFE_INTEGER)
  const lastPage = Math.max(1, Math.ceil(all.length / perPage))
  const slice = all.slice((page - 1) * perPage, page * perPage)
  const link = linkHeader(call.requestUrl, page, lastPage)
  return {
    status: 200,
    body: slice.map(c => commentJson(c, call.requestUrl.origin)),
    headers: link === '' ? {} : { link }
  }
}

function createComment(state: FakeState, call: Call): Reply {
  const [owner, repo, issueNumber] = call.params
  const invalid = validateBody(call.body, 'create-an-issue-comment')
  if (invalid) return invalid
  const comment = state.addComment({
    owner,
    repo,
    issueNumber: Number(issueNumber),
    body: bodyField(call.body),
    user: call.user
  })
  const json = commentJson(comment, call.requestUrl.origin)
  return { status: 201, body: json, headers: { location: json.url } }
}

function getComment(state: FakeState, call: Call): Reply {
  const comment = commentFor(state, call)
  if (!comment) return notFound()
  return { status: 200, body: commentJson(comment, call.requestUrl.origin) }
}

function updateComment(state: FakeState, call: Call): Reply {
  const comment = commentFor(state, call)
  if (!comment) return notFound()
  const invalid = validateBody(call.body, 'update-an-issue-comment')
  if (invalid) return invalid
  state.updateComment(comment, bodyField(call.body))
  return { status: 200, body: commentJson(comment, call.requestUrl.origin) }
}

function deleteComment(state: FakeState, call: Call): Reply {
  const comment = commentFor(state, call)
  if (!comment) return notFound()
  state.deleteComment(comment)
  return { status: 204 }
}

function getPull(state: FakeState, call: Call): Reply {
  const [owner, repo, number] = call.params
  const pull = state.pulls.find(
    p => p.owner === owner && p.repo === repo && p.number === Number(number)
  )
  if (!pull) return notFound()
  return {
    status: 200,
    body: {
      number: pull.number,
      state: pull.state,
      title: pull.title,
      html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}`,
      head: { sha: pull.headSha },
      user: userJson(actionsBot)
    }
  }
}

function commentFor(state: FakeState, call: Call) {
  const [owner, repo, id] = call.params
  return state.findComment(owner, repo, Number(id))
}

function bodyField(body: unknown): string {
  return String((body as { body: string }).body)
}

/** GitHub's answers for a missing or over-long comment body. */
function validateBody(body: unknown, docsAnchor: string): Reply | undefined {
  const text = (body as { body?: unknown } | undefined)?.body
  if (typeof text !== 'string') {
    return {
      status: 422,
      body: {
        message: `Invalid request.\n\n"body" wasn't supplied.`,
        documentation_url: `${DOCS}/issues/comments#${docsAnchor}`,
        status: '422'
      }
    }
  }
  // GitHub counts characters, not UTF-16 code units.
  if ([...text].length <= GITHUB_COMMENT_LIMIT) return undefined
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: `body is too long (maximum is ${GITHUB_COMMENT_LIMIT} characters)`
        }
      ],
      documentation_url: `${DOCS}/issues/comments#${docsAnchor}`,
      status: '422'
    }
  }
}

function notFound(): Reply {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: DOCS, status: '404' }
  }
}

function commentJson(comment: StoredComment, apiOrigin: string) {
  const { owner, repo, issueNumber, id } = comment
  return {
    url: `${apiOrigin}/repos/${owner}/${repo}/issues/comments/${id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${issueNumber}#issuecomment-${id}`,
    issue_url: `${apiOrigin}/repos/${owner}/${repo}/issues/${issueNumber}`,
    id,
    node_id: `IC_${Buffer.from(String(id)).toString('base64')}`,
    user: userJson(comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'NONE',
    body: comment.body
  }
}

function userJson(user: FakeUser) {
  return {
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    html_url: `https://github.com/${user.login}`,
    type: user.type,
    site_admin: false
  }
}

/** Like GitHub: prev/first only past page 1, next/last only before the end. */
function linkHeader(requestUrl: URL, page: number, lastPage: number): string {
  const at = (n: number) => {
    const url = new URL(requestUrl)
    url.searchParams.set('page', String(n))
    return url.toString()
  }
  const links: string[] = []
  if (page > 1) links.push(`<${at(Math.min(page - 1, lastPage))}>; rel="prev"`)
  if (page < lastPage) links.push(`<${at(page + 1)}>; rel="next"`)
  if (page < lastPage) links.push(`<${at(lastPage)}>; rel="last"`)
  if (page > 1) links.push(`<${at(1)}>; rel="first"`)
  return links.join(', ')
}

function clampInt(
  raw: string | null,
  fallback: number,
  min: number,
  max: number
): number {
  const value = raw === null ? NaN : Number.parseInt(raw, 10)
  return Number.isNaN(value) ? fallback : Math.min(Math.max(value, min), max)
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const state = new FakeState()
  const queues = new Map<RouteName, ScriptedResponse[]>()
  const requests: RecordedRequest[] = []
  const server = http.createServer((req, res) => {
    serve(req, res, { state, queues, requests }).catch((error: unknown) => {
      send(res, { status: 500, body: { message: String(error) } })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    script: (route, ...responses) => {
      queues.set(route, [...(queues.get(route) ?? []), ...responses])
    },
    requestsTo: route => requests.filter(r => r.route === route),
    close: async () => {
      // Octokit's fetch keeps connections alive; close() alone would wait.
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

interface ServerParts {
  state: FakeState
  queues: Map<RouteName, ScriptedResponse[]>
  requests: RecordedRequest[]
}

async function serve(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  { state, queues, requests }: ServerParts
): Promise<void> {
  const raw = await readBody(req)
  const requestUrl = new URL(req.url ?? '/', `http://${req.headers.host}`)
  if (requestUrl.pathname.startsWith(BLOBS)) {
    serveBlob(state, requestUrl.pathname.slice(BLOBS.length), res)
    return
  }
  const method = req.method ?? 'GET'
  const matched = matchRoute(method, requestUrl.pathname)
  const next = matched ? queues.get(matched.route.name)?.shift() : undefined
  const scripted = next && 'passThrough' in next ? undefined : next
  const parsed = parseJson(raw)
  const record = (status: number) =>
    requests.push({
      route: matched?.route.name,
      method,
      path: requestUrl.pathname,
      query: Object.fromEntries(requestUrl.searchParams),
      headers: req.headers,
      body: parsed.ok ? parsed.value : raw,
      status,
      scripted: scripted !== undefined
    })
  if (scripted?.dropConnection) {
    record(0)
    req.socket.destroy()
    return
  }
  const reply =
    scripted ??
    answer(state, matched, {
      authorization: req.headers.authorization,
      parsed,
      requestUrl
    })
  record(reply.status)
  send(res, reply)
}

function answer(
  state: FakeState,
  matched: { route: Route; params: string[] } | undefined,
  request: {
    authorization: string | undefined
    parsed: ReturnType<typeof parseJson>
    requestUrl: URL
  }
): Reply {
  const token = /^(?:token|bearer) (.+)$/i.exec(request.authorization ?? '')
  if (!token) {
    return {
      status: 401,
      body: { message: 'Requires authentication', documentation_url: DOCS }
    }
  }
  if (!matched) return notFound()
  if (!request.parsed.ok) {
    return { status: 400, body: { message: 'Problems parsing JSON' } }
  }
  return matched.route.handle(state, {
    params: matched.params,
    query: request.requestUrl.searchParams,
    body: request.parsed.value,
    user: state.userFor(token[1]),
    requestUrl: request.requestUrl
  })
}

function matchRoute(method: string, path: string) {
  for (const route of routes) {
    const match = route.method === method ? route.pattern.exec(path) : null
    if (match) {
      return { route, params: match.slice(1).map(decodeURIComponent) }
    }
  }
  return undefined
}

function parseJson(
  raw: string
): { ok: true; value: unknown } | { ok: false; value?: undefined } {
  if (raw === '') return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(raw) as unknown }
  } catch {
    return { ok: false }
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

let requestCounter = 0

function serveBlob(state: FakeState, id: string, res: http.ServerResponse) {
  const artifact = state.artifacts.find(a => String(a.id) === id)
  if (!artifact) {
    res.writeHead(404).end()
    return
  }
  const zip = zipArchive(artifact.files)
  res
    .writeHead(200, {
      'content-type': 'application/zip',
      'content-length': String(zip.length)
    })
    .end(zip)
}

function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `FAKE:${++requestCounter}`,
    ...reply.headers
  }
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers).end()
    return
  }
  const payload = JSON.stringify(reply.body)
  res
    .writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
      ...headers
    })
    .end(payload)
}
