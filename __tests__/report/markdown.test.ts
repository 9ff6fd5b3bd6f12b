import { describe, expect, it } from '@jest/globals'
import { fileURLToPath } from 'node:url'
import type { ImageFigures, Report } from '../../src/report/model.js'
import { renderReport } from '../../src/report/markdown.js'
import { table } from '../../src/report/sections.js'
import {
  expectGolden,
  sampleFigures,
  sampleProject
} from '../support/fixtures.js'

const GOLDEN = fileURLToPath(
  new URL('./golden/full-report.md', import.meta.url)
)
const MB = 1_000_000
const CONTEXT = {
  project: 'services/shop',
  dockerfileText: 'FROM debian:13-slim AS builder\nRUN echo built\n',
  runUrl: 'https://github.com/acme/shop/actions/runs/42'
}

const SITE = 'app/.venv/lib/python3.13/site-packages'

/** What the measurement adds to the sizes: layers and contents. */
const CONTENTS: Record<'baseline' | 'optimized', Partial<ImageFigures>> = {
  optimized: {
    imageStore: 'classic',
    compression: 'gzip -6',
    cachedLayers: 1,
    layers: [
      {
        size: 52 * MB,
        compressedSize: 19 * MB,
        createdBy: 'COPY /rootfs/ / # buildkit'
      },
      {
        size: 200_000,
        compressedSize: 60_000,
        createdBy: 'COPY . /app # buildkit'
      },
      {
        size: 97_800_000,
        compressedSize: 32_940_000,
        createdBy: 'COPY /app/.venv /app/.venv # buildkit'
      }
    ],
    distributions: [
      {
        name: 'pydantic_core',
        version: '2.33.2',
        location: SITE,
        size: 4_800_000,
        files: 14
      },
      {
        name: 'flask',
        version: '3.1.3',
        location: SITE,
        size: 700_000,
        files: 60
      }
    ],
    wasted: { bytes: 0, files: 0, largest: [] },
    directories: [
      { path: 'app', size: 95_000_000 },
      { path: 'app/.venv', size: 94_800_000 }
    ],
    largestFiles: [{ path: `${SITE}/pydantic_core/_core.so`, size: 4_500_000 }]
  },
  baseline: {
    imageStore: 'classic',
    compression: 'gzip -6',
    layers: [
      {
        size: 1_100 * MB,
        compressedSize: 400 * MB,
        createdBy: 'Imported from -'
      },
      {
        size: 100 * MB,
        compressedSize: 30 * MB,
        createdBy: 'RUN /bin/sh -c pip install -r requirements.txt # buildkit'
      }
    ],
    wasted: {
      bytes: 1_500_000,
      files: 2,
      largest: [
        {
          path: 'var/cache/debconf/templates.dat',
          size: 1_000_000,
          layer: 0,
          hiddenBy: 1,
          how: 'overwritten'
        },
        {
          path: 'tmp/wheel.whl',
          size: 500_000,
          layer: 1,
          hiddenBy: 1,
          how: 'deleted'
        }
      ]
    }
  }
}

function report(overrides: Partial<Report> = {}): Report {
  return {
    project: sampleProject(),
    baselineSource: 'generated',
    builderImage: 'debian:13-slim',
    runtimeImage: 'gcr.io/distroless/python3-debian13:nonroot',
    dockerfile: '/srv/shop/.venvship/Dockerfile',
    baseline: sampleFigures('baseline', CONTENTS.baseline),
    optimized: sampleFigures('optimized', CONTENTS.optimized),
    smokeTest: {
      check: 'answers HTTP on port 8000',
      passed: true,
      user: '65532:65532'
    },
    measureSeconds: 3.2,
    measureWaitSeconds: 0.4,
    budgets: [
      {
        input: 'max-size',
        image: 'optimized',
        limit: 200 * MB,
        actual: 150 * MB,
        measure: 'size',
        bound: 'max',
        passed: true
      }
    ],
    ...overrides
  }
}

describe('renderReport', () => {
  it('renders a full report as the golden file', () => {
    expectGolden(GOLDEN, renderReport(report(), CONTEXT))
  })

  it.each([
    {
      name: 'baseline and optimized',
      report: report(),
      present: [
        '**1.20 GB → 150 MB**: saves 1.05 GB (87.5%, 8.0× smaller).',
        '| Baseline (generated) `venvship/shop:baseline-42-1` | 1.20 GB | 430 MB | 12 | 63.5 s |',
        '| Optimized `venvship/shop:optimized-42-1` | 150 MB | 52.0 MB | 9 | 41.3 s |',
        '| **Difference** | -1.05 GB (-87.5%, 8.0×) | -378 MB (-87.9%, 8.3×) | -3 |  |',
        'Smoke test ✅ passed: the optimized image answers HTTP on port 8000, running as user `65532:65532`.',
        '- ✅ max-size: 150 MB (limit 200 MB)'
      ],
      absent: ['❌', 'No image was measured']
    },
    {
      name: 'optimized only, when the baseline did not build',
      report: report({ baseline: undefined }),
      present: [
        '**Optimized image: 150 MB**',
        '| Optimized `venvship/shop:optimized-42-1` |'
      ],
      absent: ['Baseline (', '**Difference**', '→ 150 MB']
    },
    {
      name: 'the project’s own Dockerfile as the baseline',
      report: report({ baselineSource: 'project' }),
      present: ['| Baseline (project) `venvship/shop:baseline-42-1` |'],
      absent: ['Baseline (generated)']
    },
    {
      name: 'an optimized image larger than the baseline',
      report: report({
        baseline: sampleFigures('baseline', { size: 100 * MB })
      }),
      present: ['**100 MB → 150 MB**: adds 50.0 MB (50% more, 1.5× larger).'],
      absent: ['smaller', 'saves']
    },
    {
      name: 'nothing measured and no smoke test',
      report: report({
        baseline: undefined,
        optimized: undefined,
        smokeTest: undefined,
        budgets: []
      }),
      present: ['**No image was measured.**', 'Smoke test: skipped.'],
      absent: ['| Image |', '✅', '❌']
    },
    {
      name: 'a failed smoke test, with its detail',
      report: report({
        smokeTest: {
          check: 'answers HTTP on port 8000',
          passed: false,
          detail:
            'No answer within 60 s. Last log lines:\nModuleNotFoundError: No module named app',
          user: '65532:65532'
        }
      }),
      present: [
        'Smoke test ❌ failed: the optimized image answers HTTP on port 8000, running as user `65532:65532`.',
        '```text\nNo answer within 60 s. Last log lines:\nModuleNotFoundError: No module named app\n```'
      ],
      absent: ['✅ passed']
    },
    {
      name: 'a broken budget',
      report: report({
        budgets: [
          {
            input: 'max-size',
            image: 'optimized',
            limit: 120 * MB,
            actual: 150 * MB,
            measure: 'size',
            bound: 'max',
            passed: false
          }
        ]
      }),
      present: [
        '- ❌ The optimized image is 150 MB, over the max-size budget of 120 MB by 30.0 MB.'
      ],
      absent: ['✅ max-size']
    }
  ])('$name', ({ report, present, absent }) => {
    const text = renderReport(report, CONTEXT)
    for (const part of present) expect(text).toContain(part)
    for (const part of absent) expect(text).not.toContain(part)
    expect(text.startsWith('### venvship · `services/shop`\n\n')).toBe(true)
    expect(text.endsWith('\n')).toBe(true)
    expect(text).not.toContain('undefined')
  })

  it('always names what was detected and from where', () => {
    const text = renderReport(report(), CONTEXT)
    for (const row of [
      '| Package manager | pip |  |',
      '| Python | 3.13 | default |',
      '| Start command | `["gunicorn","--bind","0.0.0.0:8000","app:app"]` | Flask app in app.py |',
      '| Builder → runtime | `debian:13-slim` → `gcr.io/distroless/python3-debian13:nonroot` |  |',
      '| Dockerfile | `/srv/shop/.venvship/Dockerfile` | generated |'
    ]) {
      expect(text).toContain(row)
    }
  })
})

describe('the shared-library check in the report', () => {
  it.each([
    {
      libraries: { checked: 12, missing: [] },
      present: 'Shared libraries: all 12 in the venv resolve in the runtime.'
    },
    {
      libraries: {
        checked: 12,
        missing: [{ file: 'lib/psycopg2/_psycopg.so', library: 'libpq.so.5' }]
      },
      present: '| `libpq.so.5` | `lib/psycopg2/_psycopg.so` |'
    }
  ])('$present', ({ libraries, present }) => {
    expect(renderReport(report({ libraries }), CONTEXT)).toContain(present)
  })
})

describe('measurement details', () => {
  it.each([
    {
      name: 'the engine’s own figure, labelled with its store',
      report: report(),
      present: [
        'The engine’s own figure (`docker image inspect`, classic image store): baseline 1.21 GB, optimized 151 MB.',
        '`gzip -6` of each plus the config',
        'Measured in 3.2 s (1 layer compressed in an earlier run), alongside the builds: it added 0.4 s after them.'
      ],
      absent: ['may be 2% off']
    },
    {
      name: 'a containerd store and an approximate compression',
      report: report({
        measureSeconds: undefined,
        measureWaitSeconds: undefined,
        optimized: sampleFigures('optimized', {
          ...CONTENTS.optimized,
          imageStore: 'containerd',
          compression: 'zlib -6 (approximate)'
        }),
        baseline: undefined
      }),
      present: [
        '(`docker image inspect`, containerd image store): optimized 151 MB.',
        'No `gzip` command was found',
        '`zlib -6 (approximate)`'
      ],
      absent: ['Measured in']
    },
    {
      name: 'every layer with the instruction that made it',
      report: report(),
      present: [
        '<details><summary>Layers of the optimized image</summary>',
        '| 3 | 97.8 MB | 32.9 MB | `COPY /app/.venv /app/.venv` |',
        '<details><summary>Layers of the baseline image</summary>',
        '| 2 | 100 MB | 30.0 MB | `RUN pip install -r requirements.txt` |',
        '| 1 | 1.10 GB | 400 MB | `Imported from -` |'
      ],
      absent: ['# buildkit', '/bin/sh -c']
    },
    {
      name: 'the largest distributions of the optimized image',
      report: report(),
      present: [
        'Largest Python distributions of the optimized image (2 installed, 5.50 MB)',
        '| pydantic_core 2.33.2 | 4.80 MB | 14 |',
        `Installed in \`${SITE}\``
      ],
      absent: []
    },
    {
      name: 'wasted bytes of both images',
      report: report(),
      present: [
        '- baseline: 1.50 MB in 2 file(s) that a later layer overwrote or deleted',
        '- optimized: 0 B in 0 file(s)',
        '| baseline | `var/cache/debconf/templates.dat` | 1.00 MB | overwritten by layer 2 (written by 1) |'
      ],
      absent: []
    },
    {
      name: 'no measurement details for figures without them',
      report: report({
        baseline: sampleFigures('baseline'),
        optimized: sampleFigures('optimized')
      }),
      present: ['image store unknown'],
      absent: [
        'Layers of the',
        'Largest Python',
        'Wasted bytes',
        'Largest paths'
      ]
    }
  ])('$name', ({ report, present, absent }) => {
    const text = renderReport(report, CONTEXT)
    for (const part of present) expect(text).toContain(part)
    for (const part of absent) expect(text).not.toContain(part)
  })
})

describe('renderReport under a size limit', () => {
  const huge = 'RUN echo ' + 'x'.repeat(80) + '\n'
  const big = { ...CONTEXT, dockerfileText: huge.repeat(2000) }

  it('keeps everything when it fits', () => {
    const text = renderReport(report(), CONTEXT, 65_536)
    expect(text).toContain('The generated Dockerfile, ready to adopt')
    expect(text).not.toContain('left out')
  })

  it('drops the least important sections first and says so', () => {
    const text = renderReport(report(), big, 65_536)
    expect(text.length).toBeLessThanOrEqual(65_536)
    expect(text).not.toContain('ready to adopt')
    expect(text).toContain('**1.20 GB → 150 MB**')
    expect(text).toContain('| **Difference** |')
    expect(text).toContain('Some details were left out')
    expect(text).toContain(
      '[Workflow run](https://github.com/acme/shop/actions/runs/42)'
    )
  })

  it('puts the headline before the tables', () => {
    const text = renderReport(report(), CONTEXT)
    expect(text.indexOf('→')).toBeLessThan(text.indexOf('| Image |'))
  })

  it('charts both sizes in Mermaid', () => {
    const text = renderReport(report(), CONTEXT)
    expect(text).toContain('```mermaid\nxychart-beta')
    expect(text).toContain('bar [1200.0, 150.0]')
  })
})

describe('table', () => {
  it('escapes pipes inside cells', () => {
    expect(table(['Command'], [['a | b']])).toBe(
      '| Command |\n| --- |\n| a \\| b |'
    )
  })
})
