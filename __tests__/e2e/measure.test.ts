/**
 * measureSavedImage against a real engine's `docker save`, checked against
 * figures computed apart from it: the layer files extracted by tar, counted
 * by `wc -c` and compressed by `gzip -6`; and against what the image was
 * built to hold (files deleted and overwritten, a distribution installed).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { measureSavedImage } from '../../src/measure/index.js'

const BASE_IMAGE = 'debian:13-slim'
const RANDOM_BYTES = 3_000_000
const NOTES_BYTES = 500_000
const TOLERANCE = 0.01
const SITE = 'app/.venv/lib/python3.13/site-packages'

const engineAnswers =
  spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 60_000 }).status ===
  0
const inCI = process.env.CI === 'true'

if (!engineAnswers && !inCI) {
  console.warn(
    '\n*** SKIPPED: measure e2e tests need a Docker engine and `docker info` failed. ***\n' +
      '*** Set CI=true to make this a failure instead. ***\n'
  )
}

/** Runs even without an engine under CI, to fail there. */
const engineTest = engineAnswers || inCI ? test : test.skip

interface ShellFigures {
  configSize: number
  layers: { path: string; size: number; gzipped: number }[]
}

/** `docker save`, `tar -x`, `wc -c` and `gzip -6`: no code of ours. */
function measureInShell(tag: string, dir: string): ShellFigures {
  const unpacked = join(dir, 'unpacked')
  execFileSync('sh', [
    '-ec',
    'mkdir "$2" && docker save "$1" | tar -x -C "$2"',
    'sh',
    tag,
    unpacked
  ])
  const [manifest] = JSON.parse(
    readFileSync(join(unpacked, 'manifest.json'), 'utf8')
  ) as { Config: string; Layers: string[] }[]
  const count = (script: string, path: string) =>
    Number(
      execFileSync('sh', ['-ec', script, 'sh', join(unpacked, path)], {
        encoding: 'utf8'
      }).trim()
    )
  return {
    configSize: count('wc -c < "$1"', manifest.Config),
    layers: manifest.Layers.map(path => ({
      path,
      size: count('wc -c < "$1"', path),
      gzipped: count('gzip -6 -c < "$1" | wc -c', path)
    }))
  }
}

/** A distribution as pip leaves it: files, bytecode and a RECORD. */
function writeDistribution(context: string): number {
  const site = join(context, 'site-packages')
  mkdirSync(join(site, 'demo', '__pycache__'), { recursive: true })
  mkdirSync(join(site, 'demo-1.0.dist-info'))
  writeFileSync(join(site, 'demo', '__init__.py'), 'x = 1\n'.repeat(1000))
  writeFileSync(
    join(site, 'demo', '__pycache__', '__init__.cpython-313.pyc'),
    Buffer.alloc(4000, 1)
  )
  const record = 'demo/__init__.py,,6000\ndemo-1.0.dist-info/RECORD,,\n'
  writeFileSync(join(site, 'demo-1.0.dist-info', 'RECORD'), record)
  return 6000 + 4000 + record.length
}

function buildImage(tag: string, context: string): number {
  // Real text, so the comparison of compressed sizes means something for
  // the COPY layer too.
  const source = fileURLToPath(
    new URL('../../node_modules/typescript/lib/typescript.js', import.meta.url)
  )
  writeFileSync(
    join(context, 'notes.txt'),
    readFileSync(source).subarray(0, NOTES_BYTES)
  )
  const distribution = writeDistribution(context)
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      `FROM ${BASE_IMAGE}`,
      `RUN head -c ${RANDOM_BYTES} /dev/urandom > /random.bin`,
      'COPY notes.txt /app/notes.txt',
      `COPY site-packages/ /${SITE}/`,
      'WORKDIR /app',
      'RUN rm /random.bin && echo replaced > /app/notes.txt',
      ''
    ].join('\n')
  )
  execFileSync('docker', ['build', '-q', '-t', tag, context], {
    stdio: ['ignore', 'ignore', 'pipe']
  })
  return distribution
}

const relative = (ours: number, theirs: number) => (ours - theirs) / theirs

describe('measureSavedImage against a real engine', () => {
  const tag = `venvship-measure-test:${randomBytes(6).toString('hex')}`
  let dir = ''
  let distributionBytes = 0

  beforeAll(() => {
    if (!engineAnswers) return
    dir = mkdtempSync(join(tmpdir(), 'venvship-measure-'))
    const context = join(dir, 'context')
    execFileSync('mkdir', [context])
    distributionBytes = buildImage(tag, context)
  }, 300_000)

  afterAll(() => {
    if (!engineAnswers) return
    spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' })
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  engineTest(
    'agrees with wc -c exactly, with gzip -6 within 1%, and with what the image holds',
    async () => {
      if (!engineAnswers) {
        throw new Error(
          'docker info failed, and CI=true: these tests need a Docker engine'
        )
      }
      const save = spawn('docker', ['save', tag], {
        stdio: ['ignore', 'pipe', 'inherit']
      })
      const exited = new Promise<number | null>(resolve =>
        save.on('close', resolve)
      )
      const measured = await measureSavedImage(save.stdout)
      expect(await exited).toBe(0)

      const shell = measureInShell(tag, dir)
      expect(measured.configSize).toBe(shell.configSize)
      expect(measured.layers.map(layer => layer.size)).toEqual(
        shell.layers.map(layer => layer.size)
      )
      const distinct = new Map(shell.layers.map(layer => [layer.path, layer]))
      const sum = (pick: (layer: ShellFigures['layers'][0]) => number) =>
        [...distinct.values()].reduce((total, layer) => total + pick(layer), 0)
      expect(measured.size).toBe(sum(layer => layer.size))
      // Layers saved as blobs/sha256/<digest of the uncompressed tar>.
      expect(measured.layers.map(layer => layer.digest)).toEqual(
        shell.layers.map(layer =>
          layer.path.replace('blobs/sha256/', 'sha256:')
        )
      )

      expect(measured.compression).toBe('gzip -6')
      measured.layers.forEach((layer, i) => {
        const gap = relative(layer.compressedSize, shell.layers[i].gzipped)
        expect(Math.abs(gap)).toBeLessThan(TOLERANCE)
      })
      const totalGap = relative(
        measured.compressedSize,
        sum(layer => layer.gzipped) + shell.configSize
      )
      expect(Math.abs(totalGap)).toBeLessThan(TOLERANCE)

      // BuildKit gives this WORKDIR a layer (it makes the directory),
      // which guessing from instruction names would have missed.
      expect(measured.layers.map(layer => layer.createdBy)).toEqual([
        expect.stringContaining('Imported from'),
        expect.stringContaining(`head -c ${RANDOM_BYTES} /dev/urandom`),
        expect.stringContaining('COPY notes.txt /app/notes.txt'),
        expect.stringContaining('COPY site-packages/'),
        'WORKDIR /app',
        expect.stringContaining('rm /random.bin')
      ])
      expect(measured.layers[1].largestFiles).toEqual([
        { path: 'random.bin', size: RANDOM_BYTES }
      ])

      expect(measured.wasted.bytes).toBe(RANDOM_BYTES + NOTES_BYTES)
      expect(measured.wasted.largest.map(file => file.how)).toEqual([
        'deleted',
        'overwritten'
      ])
      expect(measured.distributions).toEqual([
        {
          name: 'demo',
          version: '1.0',
          location: SITE,
          size: distributionBytes,
          files: 3
        }
      ])
    },
    300_000
  )
})
