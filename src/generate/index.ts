import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Project } from '../detect/index.js'
import type { BaselineChoice, RuntimeChoice } from '../inputs.js'
import { naiveDockerfile } from './baseline.js'
import { dockerignore } from './dockerignore.js'
import { type GenerateOptions, optimizedDockerfile } from './dockerfile.js'
import { type ImagePair, pairImages } from './runtime.js'

export {
  CA_SECRET_ID,
  EXTRA_INDEX_URLS_SECRET_ID,
  INDEX_URL_SECRET_ID
} from './instructions.js'
export type { ImagePair }

/** The folder, inside the project, that receives what venvship writes. */
export const OUTPUT_DIR = '.venvship'

export interface GeneratedFiles {
  images: ImagePair
  /** The generated multi-stage Dockerfile. */
  dockerfile: string
  /** The baseline's Dockerfile: the project's own, or a generated one. */
  baselineDockerfile: string
  baselineSource: 'project' | 'generated'
  /** Every file written, for the log and the report. */
  written: string[]
}

export interface GenerateSettings extends GenerateOptions {
  runtime: RuntimeChoice
  baseline: BaselineChoice
}

/**
 * Writes the optimized Dockerfile and the baseline next to their ignore
 * files. BuildKit reads `<name>.dockerignore` beside a Dockerfile before
 * the context's own, so the project's files stay untouched.
 */
export function writeDockerfiles(
  project: Project,
  settings: GenerateSettings
): GeneratedFiles {
  const images = pairImages(settings.runtime, project.python.version)
  const outDir = path.join(project.root, OUTPUT_DIR)
  mkdirSync(outDir, { recursive: true })
  const ignore = dockerignore(project.dockerignore)
  const written: string[] = []
  const write = (name: string, text: string) => {
    const file = path.join(outDir, name)
    writeFileSync(file, text)
    written.push(file)
    return file
  }
  const dockerfile = write(
    'Dockerfile',
    optimizedDockerfile(project, images, settings)
  )
  write('Dockerfile.dockerignore', ignore)
  const own = projectBaseline(project, settings.baseline)
  if (own)
    return {
      images,
      dockerfile,
      baselineDockerfile: own,
      baselineSource: 'project',
      written
    }
  const baselineDockerfile = write(
    'baseline.Dockerfile',
    naiveDockerfile(project, settings)
  )
  write('baseline.Dockerfile.dockerignore', ignore)
  return {
    images,
    dockerfile,
    baselineDockerfile,
    baselineSource: 'generated',
    written
  }
}

function projectBaseline(
  project: Project,
  choice: BaselineChoice
): string | undefined {
  if (choice.kind === 'dockerfile') return choice.path
  if (choice.kind === 'auto') return project.dockerfile
  return undefined
}
