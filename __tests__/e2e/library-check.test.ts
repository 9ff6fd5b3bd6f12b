import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DockerCli } from '../../src/docker/cli.js'
import { checkSharedLibraries } from '../../src/docker/library-check.js'
import { docker, engineAvailable } from './harness.js'

const describeWithEngine = engineAvailable() ? describe : describe.skip

// A venv holding libpq.so.5 taken from a Debian builder: on distroless, its
// own dependencies (Kerberos, LDAP, ...) are missing; on the builder they
// are all there.
const DOCKERFILE = `
FROM debian:13-slim AS builder
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \\
      libpq5 python3-venv >/dev/null \\
 && python3 -m venv --without-pip /app/.venv \\
 && cp /usr/lib/*-linux-gnu/libpq.so.5 /app/.venv/lib/_pq.cpython.so \\
 && ln -s _pq.cpython.so /app/.venv/lib/link.so

FROM gcr.io/distroless/python3-debian13:nonroot AS distroless
COPY --from=builder /app/.venv /app/.venv

FROM builder AS complete
`

describeWithEngine('the shared-library check', () => {
  const tag = `venvship-libcheck:${process.pid}`
  const cli = new DockerCli()

  beforeAll(() => {
    const context = mkdtempSync(path.join(tmpdir(), 'venvship-libcheck-'))
    writeFileSync(path.join(context, 'Dockerfile'), DOCKERFILE)
    for (const target of ['distroless', 'complete']) {
      docker(
        'build',
        '-q',
        '--target',
        target,
        '-t',
        `${tag}-${target}`,
        context
      )
    }
  })

  afterAll(() => {
    docker('image', 'rm', '-f', `${tag}-distroless`, `${tag}-complete`)
  })

  it('names each library the runtime cannot resolve', async () => {
    const result = await checkSharedLibraries(cli, `${tag}-distroless`)
    expect(result.checked).toBe(1)
    const libraries = result.missing.map(m => m.library)
    expect(libraries).toEqual(
      expect.arrayContaining(['libgssapi_krb5.so.2', 'libldap.so.2'])
    )
    for (const missing of result.missing) {
      expect(missing.file).toBe('lib/_pq.cpython.so')
    }
  })

  it('finds nothing missing where every library is installed', async () => {
    const result = await checkSharedLibraries(cli, `${tag}-complete`)
    expect(result).toEqual({ checked: 1, missing: [] })
  })
})
