import { budgetMessage, budgetStatus } from '../enforce/budgets.js'
import { formatBytes, ratio, reductionPercent } from '../sizes.js'
import type { ImageFigures, Report } from './model.js'

export function headline(report: Report): string {
  const { baseline, optimized } = report
  if (!optimized) return '**No image was measured.**'
  if (!baseline) {
    return `**Optimized image: ${formatBytes(optimized.size)}**`
  }
  const saved = baseline.size - optimized.size
  const percent = reductionPercent(baseline.size, optimized.size)
  // An optimized image that came out larger is said to be larger.
  const change =
    saved >= 0
      ? `saves ${formatBytes(saved)} (${percent}%, ` +
        `${ratio(baseline.size, optimized.size)} smaller)`
      : `adds ${formatBytes(-saved)} (${-percent}% more, ` +
        `${ratio(optimized.size, baseline.size)} larger)`
  return (
    `**${formatBytes(baseline.size)} → ${formatBytes(optimized.size)}**: ` +
    `${change}.`
  )
}

export function sizeTable(report: Report): string {
  const { baseline, optimized } = report
  const rows: string[][] = []
  if (baseline)
    rows.push(imageRow(`Baseline (${report.baselineSource})`, baseline))
  if (optimized) rows.push(imageRow('Optimized', optimized))
  if (baseline && optimized) rows.push(differenceRow(baseline, optimized))
  if (rows.length === 0) return ''
  return table(['Image', 'Size', 'Compressed', 'Layers', 'Build time'], rows)
}

function imageRow(label: string, image: ImageFigures): string[] {
  return [
    `${label} \`${image.tag}\``,
    formatBytes(image.size),
    formatBytes(image.compressedSize),
    String(image.layerCount),
    `${image.buildSeconds.toFixed(1)} s`
  ]
}

function differenceRow(baseline: ImageFigures, optimized: ImageFigures) {
  const change = (before: number, after: number) =>
    `${formatBytes(after - before)} (${-reductionPercent(before, after)}%, ` +
    `${ratio(before, after)})`
  return [
    '**Difference**',
    change(baseline.size, optimized.size),
    change(baseline.compressedSize, optimized.compressedSize),
    String(optimized.layerCount - baseline.layerCount),
    ''
  ]
}

/** The optimized size against the base branch's last report. */
export function baseLine(report: Report): string {
  const { base, optimized } = report
  if (!base || !optimized) return ''
  if ('missing' in base) {
    return (
      `No size report from the base branch to compare with (${base.missing})` +
      (base.maxGrowthSkipped
        ? '; max-growth is not checked until there is one.'
        : '.')
    )
  }
  const change = optimized.size - base.optimizedSize
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±'
  return (
    `Against \`${base.branch}\`: ${sign}${formatBytes(Math.abs(change))} ` +
    `(was ${formatBytes(base.optimizedSize)}).`
  )
}

export function librariesLine(report: Report): string {
  const check = report.libraries
  if (!check) return ''
  if (check.missing.length === 0) {
    return `Shared libraries: all ${check.checked} in the venv resolve in the runtime.`
  }
  const rows = check.missing.map(m => [`\`${m.library}\``, `\`${m.file}\``])
  return [
    `⚠️ ${check.missing.length} shared libraries the venv needs are missing ` +
      'from the runtime image:',
    '',
    table(['Library', 'Needed by'], rows)
  ].join('\n')
}

export function smokeTestLine(report: Report): string {
  const result = report.smokeTest
  if (!result) return 'Smoke test: skipped.'
  const verdict = result.passed ? '✅ passed' : '❌ failed'
  const detail = result.detail ? `\n\n\`\`\`text\n${result.detail}\n\`\`\`` : ''
  return (
    `Smoke test ${verdict}: the optimized image ${result.check}, ` +
    `running as user \`${result.user}\`.${detail}`
  )
}

export function budgetLines(report: Report): string {
  if (report.budgets.length === 0) return ''
  return report.budgets
    .map(result =>
      result.passed
        ? `✅ ${budgetStatus(result)}`
        : `❌ ${budgetMessage(result)}`
    )
    .map(line => `- ${line}`)
    .join('\n')
}

export function detectionTable(report: Report): string {
  const { project } = report
  return table(
    ['Detected', 'Value', 'From'],
    [
      ['Package manager', project.packageManager.name, ''],
      ['Python', project.python.version, project.python.source],
      [
        'Start command',
        `\`${JSON.stringify(project.command.argv)}\``,
        project.command.source
      ],
      [
        'Builder → runtime',
        `\`${report.builderImage}\` → \`${report.runtimeImage}\``,
        ''
      ],
      ['Dockerfile', `\`${report.dockerfile}\``, 'generated']
    ]
  )
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) =>
    `| ${cells.map(c => c.replace(/\|/g, '\\|')).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join(
    '\n'
  )
}
