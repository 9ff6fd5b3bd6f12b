import type { ImageFigures, Report } from './model.js'
import {
  baseLine,
  budgetLines,
  detectionTable,
  distributionTable,
  engineFigureLine,
  headline,
  largestPathsSection,
  layerTable,
  librariesLine,
  sizeTable,
  smokeTestLine,
  wastedBytesSection
} from './sections.js'

/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_536
// Room for the hidden marker and the truncation note.
const MARGIN = 1_000

export interface CommentContext {
  /** The project, as the user knows it: the working-directory input. */
  project: string
  /** The generated Dockerfile's text, offered for adoption. */
  dockerfileText: string
  /** A link to the workflow run, when running in Actions. */
  runUrl?: string
}

interface Section {
  text: string
  /** Lower numbers are dropped first when the body is too long. */
  priority: number
}

/**
 * The report as Markdown, for the pull-request comment and the job
 * summary alike: the headline first so a phone shows it, then the
 * figures, then the details in shrinking order of importance. Sections
 * are dropped, least important first, to stay under `limit` characters.
 */
export function renderReport(
  report: Report,
  context: CommentContext,
  limit = Number.POSITIVE_INFINITY
): string {
  const sections = commentSections(report, context)
  const kept = fitSections(sections, limit - MARGIN)
  const dropped = kept.length < sections.length
  const note = dropped
    ? '_Some details were left out to stay under GitHub’s comment size ' +
      'limit; the job summary has them all._'
    : ''
  return [...kept.map(s => s.text), note].filter(Boolean).join('\n\n') + '\n'
}

function commentSections(report: Report, context: CommentContext): Section[] {
  return [
    { priority: 100, text: `### venvship · \`${context.project}\`` },
    { priority: 100, text: headline(report) },
    { priority: 90, text: sizeTable(report) },
    { priority: 90, text: budgetLines(report) },
    { priority: 85, text: baseLine(report) },
    { priority: 80, text: smokeTestLine(report) },
    { priority: 75, text: librariesLine(report) },
    { priority: 70, text: engineFigureLine(report) },
    { priority: 40, text: sizeChart(report) },
    { priority: 35, text: layerTable(report.optimized) },
    { priority: 33, text: distributionTable(report.optimized) },
    { priority: 31, text: wastedBytesSection(report) },
    { priority: 25, text: largestPathsSection(report.optimized) },
    { priority: 20, text: detectionTable(report) },
    { priority: 15, text: layerTable(report.baseline) },
    { priority: 10, text: dockerfileBlock(context.dockerfileText) },
    { priority: 95, text: footer(context) }
  ].filter(section => section.text)
}

/** Drops the least important sections until the rest fit. */
export function fitSections(sections: Section[], limit: number): Section[] {
  const kept = [...sections]
  const length = () => kept.reduce((sum, s) => sum + s.text.length + 2, 0)
  while (length() > limit && kept.length > 1) {
    const lowest = kept.reduce((a, b) => (b.priority < a.priority ? b : a))
    kept.splice(kept.indexOf(lowest), 1)
  }
  return kept
}

/** A Mermaid bar chart, which GitHub renders in comments. */
function sizeChart(report: Report): string {
  const images = [report.baseline, report.optimized].filter(
    (image): image is ImageFigures => image !== undefined
  )
  if (images.length < 2) return ''
  const megabytes = images.map(image => (image.size / 1e6).toFixed(1))
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Uncompressed size (MB)"',
    `  x-axis [${images.map(image => `"${image.role}"`).join(', ')}]`,
    '  y-axis "MB"',
    `  bar [${megabytes.join(', ')}]`,
    '```'
  ].join('\n')
}

function dockerfileBlock(text: string): string {
  if (!text) return ''
  return [
    '<details><summary>The generated Dockerfile, ready to adopt</summary>',
    '',
    '```dockerfile',
    text.trimEnd(),
    '```',
    '',
    '</details>'
  ].join('\n')
}

function footer(context: CommentContext): string {
  return context.runUrl
    ? `<sub>[Workflow run](${context.runUrl}) · venvship</sub>`
    : '<sub>venvship</sub>'
}
