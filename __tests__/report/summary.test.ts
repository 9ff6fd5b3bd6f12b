import { describe, expect, it } from '@jest/globals'
import { fileURLToPath } from 'node:url'
import type { Report } from '../../src/report/model.js'
import { renderSummary, table } from '../../src/report/summary.js'
import {
  expectGolden,
  sampleFigures,
  sampleProject
} from '../support/fixtures.js'

const GOLDEN = fileURLToPath(
  new URL('./golden/full-report.md', import.meta.url)
)
const MB = 1_000_000

function report(overrides: Partial<Report> = {}): Report {
  return {
    project: sampleProject(),
    baselineSource: 'generated',
    builderImage: 'debian:13-slim',
    runtimeImage: 'gcr.io/distroless/python3-debian13:nonroot',
    dockerfile: '/work/shop/.venvship/Dockerfile',
    baseline: sampleFigures('baseline'),
    optimized: sampleFigures('optimized'),
    smokeTest: {
      check: 'answers HTTP on port 8000',
      passed: true,
      user: '65532:65532'
    },
    measureSeconds: 3.2,
    budgets: [
      {
        input: 'max-size',
        image: 'optimized',
        limit: 200 * MB,
        actual: 150 * MB,
        passed: true
      }
    ],
    ...overrides
  }
}

describe('renderSummary', () => {
  it('renders a full report as the golden file', () => {
    expectGolden(GOLDEN, renderSummary(report()))
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
        '- ✅ max-size: 150 MB of 200 MB'
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
    const text = renderSummary(report)
    for (const part of present) expect(text).toContain(part)
    for (const part of absent) expect(text).not.toContain(part)
    expect(text.startsWith('## venvship image report\n\n')).toBe(true)
    expect(text.endsWith('\n')).toBe(true)
    expect(text).not.toContain('undefined')
  })

  it('always names what was detected and from where', () => {
    const text = renderSummary(report())
    for (const row of [
      '| Package manager | pip |  |',
      '| Python | 3.13 | default |',
      '| Start command | `["gunicorn","--bind","0.0.0.0:8000","app:app"]` | Flask app in app.py |',
      '| Builder → runtime | `debian:13-slim` → `gcr.io/distroless/python3-debian13:nonroot` |  |',
      '| Dockerfile | `/work/shop/.venvship/Dockerfile` | generated |'
    ]) {
      expect(text).toContain(row)
    }
  })
})

describe('table', () => {
  it('escapes pipes inside cells', () => {
    expect(table(['Command'], [['a | b']])).toBe(
      '| Command |\n| --- |\n| a \\| b |'
    )
  })
})
