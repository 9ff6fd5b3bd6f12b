import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { engineAvailable, runAction } from './harness.js'

const describeWithEngine = engineAvailable() ? describe : describe.skip

// psycopg2 (not -binary) compiles against libpq: the builder needs its
// headers, and distroless, which has no libpq, needs the library copied.
describeWithEngine('a distribution that links a system library', () => {
  it('builds psycopg2 from source and ships libpq onto distroless', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'venvship-psycopg2-'))
    writeFileSync(path.join(dir, 'requirements.txt'), 'psycopg2==2.9.10\n')
    writeFileSync(
      path.join(dir, 'main.py'),
      'import psycopg2\nprint(psycopg2.__libpq_version__)\n'
    )
    const run = await runAction({ 'working-directory': dir })
    const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
    expect(errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain('Smoke test ✅ passed')
    expect(run.summary).toMatch(/Shared libraries: all \d+ in the venv resolve/)
    const dockerfile = readFileSync(run.outputs.dockerfile, 'utf8')
    expect(dockerfile).toContain('libpq-dev')
    expect(dockerfile).toContain(
      'COPY --from=builder /opt/venvship-runtime-libs/ /'
    )
  })
})
