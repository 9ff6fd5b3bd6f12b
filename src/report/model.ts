import type { Project } from '../detect/index.js'
import type { SmokeTestResult } from '../docker/smoke-test.js'
import type { LibraryCheck } from '../docker/library-check.js'
import type { BudgetResult } from '../enforce/budgets.js'

export interface LayerFigure {
  size: number
  compressedSize: number
  /** The Dockerfile instruction that made the layer, when known. */
  createdBy?: string
}

export interface ImageFigures {
  role: 'baseline' | 'optimized'
  tag: string
  dockerfile: string
  /** Sum of the layer tars: what the image takes unpacked. */
  size: number
  /** Sum of the gzip-compressed layers and config: what a registry stores. */
  compressedSize: number
  /** The engine's own size figure; it differs between image stores. */
  engineSize: number
  layerCount: number
  layers: LayerFigure[]
  buildSeconds: number
  user: string
}

/** Everything a run learned: what the summary, outputs and JSON show. */
export interface Report {
  project: Project
  baselineSource: 'project' | 'generated'
  runtimeImage: string
  builderImage: string
  dockerfile: string
  baseline?: ImageFigures
  optimized?: ImageFigures
  smokeTest?: SmokeTestResult
  /** Shared libraries the venv needs that the runtime lacks. */
  libraries?: LibraryCheck
  measureSeconds?: number
  budgets: BudgetResult[]
  /** The base branch's optimized size, or why it is not known. */
  base?:
    | { branch: string; optimizedSize: number }
    | { missing: string; maxGrowthSkipped: boolean }
}
