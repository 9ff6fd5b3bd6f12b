import type { Project } from '../detect/index.js'
import type { SmokeTestResult } from '../docker/smoke-test.js'
import type { LibraryCheck } from '../docker/library-check.js'
import type { BudgetResult } from '../enforce/budgets.js'
import type {
  CompressionMethod,
  DistributionSize,
  PathSize,
  WastedBytes
} from '../measure/index.js'

export interface LayerFigure {
  size: number
  compressedSize: number
  /** The Dockerfile instruction that made the layer, when known. */
  createdBy?: string
  /** The layer's diff ID. */
  digest?: string
  /** The digest `docker save` stores the layer under: the size cache's key. */
  blobDigest?: string
  /** Regular files the layer stores. */
  files?: number
}

/** Where the engine keeps images; its own size figure differs by store. */
export type ImageStore = 'classic' | 'containerd'

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
  /** The store `engineSize` comes from. */
  imageStore?: ImageStore
  configSize?: number
  /** How the compressed size was computed. */
  compression?: CompressionMethod
  /** Layers whose compressed size an earlier run had computed. */
  cachedLayers?: number
  /** Seconds spent measuring this image. */
  measureSeconds?: number
  /** The largest files of the image's file system. */
  largestFiles?: PathSize[]
  /** Bytes under the image's largest directories (up to 3 levels deep). */
  directories?: PathSize[]
  /** Installed Python distributions, largest first. */
  distributions?: DistributionSize[]
  /** Bytes that layers store but later layers overwrote or deleted. */
  wasted?: WastedBytes
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
  /** From the first measurement's start to the last one's end. */
  measureSeconds?: number
  /** What measuring added after the builds and checks were done. */
  measureWaitSeconds?: number
  budgets: BudgetResult[]
  /** The base branch's optimized size, or why it is not known. */
  base?:
    | { branch: string; optimizedSize: number }
    | { missing: string; maxGrowthSkipped: boolean }
}
