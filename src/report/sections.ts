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

/**
 * The engine's own figure, labelled with its store: the classic store
 * counts the unpacked layers, the containerd store adds its compressed
 * content, so it is shown beside ours, never instead.
 */
export function engineFigureLine(report: Report): string {
  const images = measuredImages(report)
  if (images.length === 0) return ''
  const store = images[0].imageStore
  const storeName = store ? `${store} image store` : 'image store unknown'
  const figures = images
    .map(image => `${image.role} ${formatBytes(image.engineSize)}`)
    .join(', ')
  const compression = images[0].compression ?? 'gzip -6'
  const approximate = compression !== 'gzip -6'
  return [
    `Sizes are the sum of the image’s layer tars, and \`${compression}\`` +
      ' of each plus the config for the compressed figure, computed from ' +
      '`docker save`: the same on every image store.' +
      (approximate
        ? ' No `gzip` command was found: the compressed figure ' +
          'comes from Node’s zlib and may be 2% off.'
        : ''),
    `The engine’s own figure (\`docker image inspect\`, ${storeName}): ` +
      `${figures}.` +
      measuringNote(report)
  ].join(' ')
}

function measuringNote(report: Report): string {
  if (report.measureSeconds === undefined) return ''
  const cached = measuredImages(report).reduce(
    (sum, image) => sum + (image.cachedLayers ?? 0),
    0
  )
  const reuse = cached
    ? ` (${cached} layer${cached === 1 ? '' : 's'} compressed in an ` +
      'earlier run)'
    : ''
  const wait = report.measureWaitSeconds
  const alongside =
    wait === undefined
      ? ''
      : `, alongside the builds: it added ${wait.toFixed(1)} s after them`
  return ` Measured in ${report.measureSeconds.toFixed(1)} s${reuse}${alongside}.`
}

function measuredImages(report: Report): ImageFigures[] {
  return [report.baseline, report.optimized].filter(
    (image): image is ImageFigures => image !== undefined
  )
}

/** Every layer in order, with the instruction that made it. */
export function layerTable(image: ImageFigures | undefined): string {
  if (!image || image.layers.length === 0) return ''
  const rows = image.layers.map((layer, index) => [
    String(index + 1),
    formatBytes(layer.size),
    formatBytes(layer.compressedSize),
    `\`${shorten(instruction(layer.createdBy), 100)}\``
  ])
  return details(
    `Layers of the ${image.role} image`,
    table(['#', 'Size', 'Compressed', 'Made by'], rows)
  )
}

/** The installed distributions that take the most room. */
export function distributionTable(
  image: ImageFigures | undefined,
  count = 10
): string {
  const found = image?.distributions ?? []
  if (!image || found.length === 0) return ''
  const rows = found
    .slice(0, count)
    .map(d => [`${d.name} ${d.version}`, formatBytes(d.size), String(d.files)])
  const total = found.reduce((sum, d) => sum + d.size, 0)
  const where = [...new Set(found.map(d => `\`${d.location}\``))].join(', ')
  return details(
    `Largest Python distributions of the ${image.role} image ` +
      `(${found.length} installed, ${formatBytes(total)})`,
    `Installed in ${where}; sizes are the files in the image, bytecode ` +
      `included.\n\n${table(['Distribution', 'Size', 'Files'], rows)}`
  )
}

/** Bytes stored in layers that a later layer overwrote or deleted. */
export function wastedBytesSection(report: Report, count = 5): string {
  const images = measuredImages(report).filter(image => image.wasted)
  if (images.length === 0) return ''
  const lines = images.map(image => {
    const wasted = image.wasted ?? { bytes: 0, files: 0, largest: [] }
    return (
      `- ${image.role}: ${formatBytes(wasted.bytes)} in ${wasted.files} ` +
      'file(s) that a later layer overwrote or deleted'
    )
  })
  const rows = images.flatMap(image =>
    (image.wasted?.largest ?? [])
      .slice(0, count)
      .map(file => [
        image.role,
        `\`${file.path}\``,
        formatBytes(file.size),
        `${file.how} by layer ${file.hiddenBy + 1} (written by ${file.layer + 1})`
      ])
  )
  const list = rows.length
    ? `\n\n${table(['Image', 'Path', 'Size', 'Hidden'], rows)}`
    : ''
  return details('Wasted bytes', lines.join('\n') + list)
}

/** Where the optimized image's bytes are. */
export function largestPathsSection(
  image: ImageFigures | undefined,
  count = 10
): string {
  const directories = image?.directories ?? []
  const files = image?.largestFiles ?? []
  if (!image || (directories.length === 0 && files.length === 0)) return ''
  const rows = (list: { path: string; size: number }[]) =>
    list.slice(0, count).map(p => [`\`${p.path}\``, formatBytes(p.size)])
  // The deepest level measured says most: `usr` alone says little.
  const depth = Math.max(0, ...directories.map(d => d.path.split('/').length))
  const deepest = directories.filter(d => d.path.split('/').length === depth)
  return details(
    `Largest paths of the ${image.role} image`,
    [
      table(['Directory', 'Size'], rows(deepest)),
      table(['File', 'Size'], rows(files))
    ].join('\n\n')
  )
}

function details(summary: string, body: string): string {
  return [
    `<details><summary>${summary}</summary>`,
    '',
    body,
    '',
    '</details>'
  ].join('\n')
}

/** The history's wording, as a Dockerfile would say it. */
export function instruction(createdBy: string | undefined): string {
  if (!createdBy) return 'unknown'
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/^RUN \/bin\/sh -c /, 'RUN ')
    .replace(/\s*# buildkit$/, '')
    .replace(/\s+/g, ' ')
    .replace(/`/g, "'")
    .trim()
}

export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
