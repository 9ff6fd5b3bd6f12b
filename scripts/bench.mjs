#!/usr/bin/env node
// The benchmark: on the example projects, builds side by side the recipes
// people use and venvship's image, and prints for each its sizes (the
// action's own measurement), whether it starts, its cold and warm build
// times and the time measuring took; then writes all of it, with the
// method and the machine, to docs/benchmarks.md.
//
//   node scripts/bench.mjs [--examples fastapi-poetry,flask-pip]
//                          [--out docs/benchmarks.md] [--no-provision]
//                          [--keep-cache-mounts] [--keep-images]
//                          [--rounds N]   (timings of the action's order)
//
// Needs a Docker engine with buildx, the base images the recipes name
// (here: `bash scripts/provision.sh --bench-images`, which it runs unless
// told not to; on a runner with a registry the builds pull them) and
// `npm ci` (it bundles the measurement with ncc).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse as parseToml } from 'smol-toml'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const RECIPES_DIR = path.join(ROOT, 'scripts', 'bench', 'recipes')
const RUNTIME_IMAGE = 'gcr.io/distroless/python3-debian13:nonroot'
const START_TIMEOUT_SECONDS = 60
const CA_SECRET = 'bench-ca'

/** What each example is built as, in the order the table shows. */
const RECIPES = [
  {
    id: 'naive',
    label: 'Naive single stage (seed, 3rd example)',
    port: 80
  },
  {
    id: 'seed',
    label: 'Seed multi-stage, as written',
    port: 80
  },
  {
    id: 'seed-fixed',
    label: 'Seed multi-stage, minimally fixed',
    port: 80
  },
  {
    id: 'docker-init',
    label: '`docker init` style (pip into slim)',
    port: 8000
  },
  { id: 'venvship', label: '**venvship** (generated)', port: 8000 }
]

const options = parseArguments(process.argv.slice(2))
const scratch = mkdtempSync(path.join(os.tmpdir(), 'venvship-bench-'))

try {
  await main()
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

async function main() {
  if (options.provision) provision()
  const measurement = await bundleMeasurement()
  const machine = describeMachine()
  log(`machine: ${JSON.stringify(machine)}`)
  const results = []
  for (const example of options.examples) {
    results.push(await benchExample(example, measurement))
  }
  const text = renderMarkdown(machine, results)
  mkdirSync(path.dirname(options.out), { recursive: true })
  writeFileSync(options.out, text)
  console.log(`\n${text}`)
  log(`written to ${path.relative(process.cwd(), options.out)}`)
}

function parseArguments(args) {
  const parsed = {
    examples: ['fastapi-poetry', 'flask-pip'],
    out: path.join(ROOT, 'docs', 'benchmarks.md'),
    provision: true,
    keepCacheMounts: false,
    keepImages: false,
    rounds: 3
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--examples') parsed.examples = args[++i].split(',')
    else if (arg === '--out') parsed.out = path.resolve(args[++i])
    else if (arg === '--no-provision') parsed.provision = false
    else if (arg === '--keep-cache-mounts') parsed.keepCacheMounts = true
    else if (arg === '--keep-images') parsed.keepImages = true
    else if (arg === '--rounds') parsed.rounds = Number(args[++i])
    else throw new Error(`unknown argument ${arg}; see the script's header`)
  }
  return parsed
}

function log(message) {
  console.error(`[bench] ${message}`)
}

/** Base images: pulled where a registry answers, stand-ins otherwise. */
function provision() {
  log('provisioning the engine and the base images')
  execFileSync(
    'bash',
    [path.join(ROOT, 'scripts/provision.sh'), '--bench-images'],
    {
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
}

/**
 * The action's own measurement (src/docker/measure-image.ts), bundled
 * apart from the action so that the figures are the action's.
 */
async function bundleMeasurement() {
  const out = path.join(ROOT, 'build', 'bench')
  log('bundling the measurement with ncc')
  execFileSync(
    'npx',
    ['ncc', 'build', 'scripts/bench/measure.ts', '-o', out, '--quiet'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }
  )
  const bundle = await import(pathToFileURL(path.join(out, 'index.js')).href)
  const docker = new bundle.DockerCli()
  return {
    /** Measures `tag` with the size cache in `cacheFile` ('off': none). */
    async measure(tag, cacheFile, settings = {}) {
      process.env.VENVSHIP_SIZE_CACHE = cacheFile
      const started = performance.now()
      const figures = await bundle.measureSaved(docker, tag, settings)
      return { figures, seconds: (performance.now() - started) / 1000 }
    }
  }
}

function describeMachine() {
  const cpus = os.cpus()
  const standIn = imageLabel('python:3.11', 'venvship.stand-in')
  return {
    cores: os.availableParallelism(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    engine: run('docker', ['version', '-f', '{{.Server.Version}}']).trim(),
    buildx: run('docker', ['buildx', 'version']).trim().split(' ')[1] ?? '',
    store: /io\.containerd\.snapshotter/.test(
      run('docker', ['info', '-f', '{{json .DriverStatus}}'])
    )
      ? 'containerd'
      : 'classic',
    gzip: run('gzip', ['--version']).split('\n')[0],
    node: process.version,
    images: standIn
      ? 'stand-ins built from Debian packages (scripts/stand-ins/)'
      : 'as pulled from their registries'
  }
}

function imageLabel(image, label) {
  const result = spawnSync(
    'docker',
    ['image', 'inspect', '-f', `{{ index .Config.Labels "${label}" }}`, image],
    { encoding: 'utf8' }
  )
  return result.status === 0 ? result.stdout.trim() : ''
}

function run(command, args, settings = {}) {
  return execFileSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...settings
  })
}

async function benchExample(example, measurement) {
  log(`${example}: preparing`)
  const rows = []
  for (const recipe of RECIPES) {
    const context = recipeContext(example, recipe)
    const dockerfile = recipeDockerfile(example, recipe, context)
    rows.push(
      await benchRecipe(example, recipe, dockerfile, context, measurement)
    )
  }
  const floor = await measureFloor(rows, measurement)
  const naive = rows.find(row => row.recipe.id === 'naive' && row.built)
  const venvship = rows.find(row => row.recipe.id === 'venvship' && row.built)
  const pair = naive && venvship ? [naive, venvship] : undefined
  const action = pair ? await measurePair(pair, measurement) : undefined
  if (action) {
    action.pipeline = await timePipeline(
      pair,
      measurement,
      action.baseOnlyCache
    )
  }
  const engine = pair ? await probeEngine(pair, example) : undefined
  const compressors = naive
    ? await compareCompressors(naive, measurement)
    : undefined
  const checks = [naive, venvship]
    .filter(row => row)
    .map(row => ({ row, shell: measureInShell(row.tag) }))
  if (!options.keepImages) {
    spawnSync('docker', ['image', 'rm', '-f', ...rows.map(r => r.tag)], {
      stdio: 'ignore'
    })
  }
  return { example, rows, floor, action, engine, compressors, checks }
}

/**
 * A copy of the example per recipe, without venvship's output folder:
 * venvship's gets its generated Dockerfile, `docker init`'s the
 * requirements.txt it needs (from poetry.lock when there is one).
 */
function recipeContext(example, recipe) {
  const source = path.join(ROOT, 'examples', example)
  const context = path.join(scratch, `${example}-${recipe.id}`)
  cpSync(source, context, {
    recursive: true,
    filter: file => path.basename(file) !== '.venvship'
  })
  const lock = path.join(context, 'poetry.lock')
  if (recipe.id === 'docker-init' && existsSync(lock)) {
    writeFileSync(
      path.join(context, 'requirements.txt'),
      requirementsFromPoetryLock(lock)
    )
  }
  if (recipe.id === 'venvship') generateVenvshipDockerfile(context)
  return context
}

/** What `poetry export --only main` writes: pins with their markers. */
function requirementsFromPoetryLock(file) {
  const lock = parseToml(readFileSync(file, 'utf8'))
  const lines = []
  for (const pkg of lock.package ?? []) {
    if (!(pkg.groups ?? ['main']).includes('main')) continue
    const markers =
      typeof pkg.markers === 'string' ? pkg.markers : pkg.markers?.main
    lines.push(`${pkg.name}==${pkg.version}${markers ? ` ; ${markers}` : ''}`)
  }
  return `${lines.join('\n')}\n`
}

/** The bundled action with `build: false` writes .venvship/Dockerfile. */
function generateVenvshipDockerfile(context) {
  const env = {
    ...process.env,
    INPUT_BUILD: 'false',
    INPUT_COMMENT: 'false',
    'INPUT_WORKING-DIRECTORY': context,
    GITHUB_WORKSPACE: context,
    GITHUB_OUTPUT: path.join(scratch, 'outputs'),
    GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md')
  }
  if (caBundle()) env['INPUT_CA-CERTIFICATES'] = caBundle()
  writeFileSync(env.GITHUB_OUTPUT, '')
  writeFileSync(env.GITHUB_STEP_SUMMARY, '')
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist/index.js')],
    {
      env,
      encoding: 'utf8'
    }
  )
  if (result.status !== 0) {
    throw new Error(
      `the action could not generate a Dockerfile:\n${result.stdout}`
    )
  }
}

/** Behind a TLS-inspecting proxy, downloads need the host's CA bundle. */
function caBundle() {
  const bundle = process.env.SSL_CERT_FILE
  return bundle && existsSync(bundle) ? bundle : undefined
}

/**
 * The recipe's Dockerfile. Behind a proxy, every shell-form RUN gets the
 * CA bundle as a secret mount and the variables that point pip, Poetry
 * and requests at it: nothing of it reaches a layer.
 */
function recipeDockerfile(example, recipe, context) {
  if (recipe.id === 'venvship') {
    return path.join(context, '.venvship', 'Dockerfile')
  }
  const source = path.join(RECIPES_DIR, example, `${recipe.id}.Dockerfile`)
  const text = readFileSync(source, 'utf8')
  const target = path.join(scratch, `${example}-${recipe.id}.Dockerfile`)
  writeFileSync(target, caBundle() ? withCaSecret(text) : text)
  return target
}

function withCaSecret(text) {
  const secret = `/run/secrets/${CA_SECRET}`
  const mount = `--mount=type=secret,id=${CA_SECRET},target=${secret}`
  const exports =
    `export SSL_CERT_FILE=${secret} PIP_CERT=${secret} ` +
    `REQUESTS_CA_BUNDLE=${secret} &&`
  return text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map(line => {
      const match = /^RUN((?:\s+--\S+)*)\s+(?!\[)(.*)$/.exec(line)
      return match ? `RUN${match[1]} ${mount} ${exports} ${match[2]}` : line
    })
    .join('\n')
}

async function benchRecipe(example, recipe, dockerfile, context, measurement) {
  const tag = `venvship-bench/${example}:${recipe.id}`
  const row = { recipe, tag, dockerfile, context }
  log(`${example} / ${recipe.id}: cold build`)
  if (!options.keepCacheMounts) pruneCacheMounts()
  const cold = build(tag, dockerfile, context, true)
  row.coldSeconds = cold.seconds
  if (!cold.ok) {
    row.built = false
    row.failure = cold.output
    return row
  }
  row.built = true
  log(`${example} / ${recipe.id}: warm build`)
  row.warmSeconds = build(tag, dockerfile, context, false).seconds
  Object.assign(row, await measureThreeWays(tag, measurement))
  log(`${example} / ${recipe.id}: does it start?`)
  row.start = await startsAndAnswers(tag, recipe.port)
  return row
}

/**
 * With an empty size cache (a fresh hosted runner); with every layer's
 * compressed size known but the image new (a self-hosted runner, or the
 * base image's layers on any rerun); and the same image again (a rerun
 * with nothing changed).
 */
async function measureThreeWays(tag, measurement) {
  const cacheDir = mkdtempSync(path.join(scratch, 'size-cache-'))
  const cacheFile = path.join(cacheDir, 'layer-sizes.json')
  const first = await measurement.measure(tag, cacheFile)
  rmSync(path.join(cacheDir, 'images.json'), { force: true })
  const knownLayers = await measurement.measure(tag, cacheFile)
  const sameImage = await measurement.measure(tag, cacheFile)
  return {
    figures: first.figures,
    measureSeconds: first.seconds,
    knownLayersSeconds: knownLayers.seconds,
    sameImageSeconds: sameImage.seconds
  }
}

/**
 * The naive and the venvship image measured at once, as the action
 * measures its baseline and optimized image, in the states a run meets:
 * an empty size cache (a hosted runner's first run on a branch); the base
 * images' layers known (any later run: the branch's record carries their
 * sizes, and a self-hosted runner keeps its cache); every layer known but
 * the images new; the same images again.
 */
async function measurePair(pair, measurement) {
  const cacheDir = mkdtempSync(path.join(scratch, 'pair-cache-'))
  const cacheFile = path.join(cacheDir, 'layer-sizes.json')
  const imagesFile = path.join(cacheDir, 'images.json')
  const both = async () => {
    const started = performance.now()
    await Promise.all(pair.map(row => measurement.measure(row.tag, cacheFile)))
    return (performance.now() - started) / 1000
  }
  const empty = await both()
  const allLayers = readFileSync(cacheFile, 'utf8')
  const base = new Set(pair.flatMap(row => diffIds(finalBase(row.dockerfile))))
  const cache = JSON.parse(allLayers)
  cache.layers = Object.fromEntries(
    Object.entries(cache.layers).filter(([digest]) => base.has(digest))
  )
  writeFileSync(cacheFile, JSON.stringify(cache))
  rmSync(imagesFile, { force: true })
  const baseKnown = await both()
  writeFileSync(cacheFile, allLayers)
  rmSync(imagesFile, { force: true })
  const known = await both()
  const same = await both()
  const baseOnlyCache = JSON.stringify(cache)
  return { empty, baseKnown, baseLayers: base.size, known, same, baseOnlyCache }
}

/**
 * The action's own order, timed from the first cold build to the last
 * figure: the naive image is built, then measured while the venvship
 * image builds, which is measured once built. Each run is paired with the
 * same two cold builds without measuring; the difference is what
 * measuring costs the job. With an empty size cache, and with only the
 * base images' layers in it. `options.rounds` pairs of each, averaged.
 */
async function timePipeline(pair, measurement, baseOnlyCache) {
  const states = { empty: '', baseKnown: baseOnlyCache }
  const runs = { empty: [], baseKnown: [] }
  for (let round = 0; round < options.rounds; round++) {
    for (const [state, contents] of Object.entries(states)) {
      const cacheDir = mkdtempSync(path.join(scratch, 'pipeline-cache-'))
      const cacheFile = path.join(cacheDir, 'layer-sizes.json')
      if (contents) writeFileSync(cacheFile, contents)
      const buildsOnly = await pipelineRun(pair)
      const measured = await pipelineRun(pair, measurement, cacheFile)
      log(
        `pipeline (${state}): ${seconds(buildsOnly.total)} without ` +
          `measuring, ${seconds(measured.total)} with`
      )
      runs[state].push({ buildsOnly, measured })
    }
  }
  const mean = (list, pick) =>
    list.reduce((sum, run) => sum + pick(run), 0) / list.length
  const summary = list => {
    const costs = list.map(run => run.measured.total - run.buildsOnly.total)
    return {
      buildsOnly: mean(list, run => run.buildsOnly.total),
      measured: mean(list, run => run.measured.total),
      wait: mean(list, run => run.measured.wait),
      lowest: Math.min(...costs),
      highest: Math.max(...costs)
    }
  }
  return {
    rounds: options.rounds,
    empty: summary(runs.empty),
    baseKnown: summary(runs.baseKnown)
  }
}

async function pipelineRun(pair, measurement, cacheFile) {
  if (!options.keepCacheMounts) pruneCacheMounts()
  const tags = pair.map(row => `${row.tag}-pipeline`)
  const started = performance.now()
  const measuring = []
  for (const [index, row] of pair.entries()) {
    const args = buildArguments(tags[index], row.dockerfile, row.context, true)
    await new Promise((resolve, reject) => {
      const child = spawn('docker', args, { stdio: 'ignore' })
      child.on('error', reject)
      child.on('close', code =>
        code === 0 ? resolve() : reject(new Error(`${tags[index]}: ${code}`))
      )
    })
    if (measurement) {
      measuring.push(measurement.measure(tags[index], cacheFile))
    }
  }
  const built = performance.now()
  await Promise.all(measuring)
  const ended = performance.now()
  spawnSync('docker', ['image', 'rm', '-f', ...tags], { stdio: 'ignore' })
  return {
    total: (ended - started) / 1000,
    wait: (ended - built) / 1000
  }
}

/** The image the Dockerfile's last stage starts from. */
function finalBase(dockerfile) {
  const froms = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .map(line => /^\s*FROM\s+(?:--\S+\s+)*(\S+)/i.exec(line)?.[1])
    .filter(Boolean)
  return froms.at(-1)
}

function diffIds(image) {
  const output = run('docker', [
    'image',
    'inspect',
    '-f',
    '{{json .RootFS.Layers}}',
    image
  ])
  return JSON.parse(output)
}

/**
 * What the engine costs whoever reads the images: `docker save` of both
 * at once, to nowhere, with the time to its first byte (the classic
 * store writes the whole archive to a folder of its own before sending
 * any); and whether a save can run while an image builds.
 */
function probeEngine(pair, example) {
  const tags = pair.map(row => row.tag)
  const script = tags
    .map(tag => `docker save ${tag} | head -c 1 >/dev/null & `)
    .join('')
  const firstByte = timed(() => run('bash', ['-c', `${script} wait`]))
  const saved = timed(() =>
    run('bash', [
      '-c',
      tags.map(tag => `docker save ${tag} >/dev/null & `).join('') + 'wait'
    ])
  )
  // A cold build of the venvship image with a save of the naive image
  // started a second into it.
  const [naive, venvship] = pair
  if (!options.keepCacheMounts) pruneCacheMounts()
  const started = performance.now()
  const building = spawn(
    'docker',
    buildArguments(
      `${venvship.tag}-probe`,
      venvship.dockerfile,
      path.join(scratch, `${example}-venvship`),
      true
    ),
    { stdio: 'ignore' }
  )
  const buildDone = new Promise(resolve =>
    building.on('close', () => resolve((performance.now() - started) / 1000))
  )
  const saveDone = sleep(1000).then(
    () =>
      new Promise(resolve => {
        const save = spawn('bash', [
          '-c',
          `docker save ${naive.tag} >/dev/null`
        ])
        save.on('close', () => resolve((performance.now() - started) / 1000))
      })
  )
  return Promise.all([buildDone, saveDone]).then(([build, save]) => {
    spawnSync('docker', ['image', 'rm', '-f', `${venvship.tag}-probe`], {
      stdio: 'ignore'
    })
    return {
      firstByte: firstByte.seconds,
      saved: saved.seconds,
      duringBuild: { build, save, alone: saved.seconds }
    }
  })
}

/**
 * Cold means BuildKit's cache mounts are empty too: `--no-cache` alone
 * leaves the downloads of earlier builds in them.
 */
function pruneCacheMounts() {
  spawnSync(
    'docker',
    ['builder', 'prune', '-f', '--filter', 'type=exec.cachemount'],
    {
      stdio: 'ignore'
    }
  )
}

function build(tag, dockerfile, context, cold) {
  const args = buildArguments(tag, dockerfile, context, cold)
  const started = performance.now()
  const result = spawnSync('docker', args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  })
  const seconds = (performance.now() - started) / 1000
  const output = `${result.stdout}${result.stderr}`.trim().split('\n')
  return {
    ok: result.status === 0,
    seconds,
    output: output.slice(-8).join('\n')
  }
}

function buildArguments(tag, dockerfile, context, cold) {
  const args = [
    'buildx',
    'build',
    '--load',
    '--provenance=false',
    '--progress=plain',
    '-f',
    dockerfile,
    '-t',
    tag
  ]
  if (cold) args.push('--no-cache')
  if (caBundle()) {
    args.push('--secret', `id=${CA_SECRET},src=${caBundle()}`)
    args.push('--secret', `id=ca-certificates,src=${caBundle()}`)
  }
  args.push(context)
  return args
}

/** Runs the image with its port on 127.0.0.1; any HTTP answer counts. */
async function startsAndAnswers(tag, port) {
  const name = `venvship-bench-${process.pid}-${Date.now()}`
  const started = spawnSync(
    'docker',
    ['run', '-d', '--name', name, '-p', `127.0.0.1::${port}`, tag],
    { encoding: 'utf8' }
  )
  if (started.status !== 0) {
    return { ok: false, detail: lastLines(started.stderr) }
  }
  try {
    const hostPort = publishedPort(name, port)
    const deadline = Date.now() + START_TIMEOUT_SECONDS * 1000
    while (hostPort && Date.now() < deadline) {
      if (!isRunning(name)) break
      const status = await httpStatus(hostPort)
      if (status) return { ok: true, detail: `HTTP ${status}` }
      await sleep(500)
    }
    const logs = spawnSync('docker', ['logs', '--tail', '5', name], {
      encoding: 'utf8'
    })
    return { ok: false, detail: lastLines(`${logs.stdout}${logs.stderr}`) }
  } finally {
    spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' })
  }
}

/** The host port, or undefined once the container has already exited. */
function publishedPort(name, port) {
  const result = spawnSync('docker', ['port', name, `${port}/tcp`], {
    encoding: 'utf8'
  })
  if (result.status !== 0) return undefined
  return Number(result.stdout.trim().split('\n')[0].split(':').pop())
}

function isRunning(name) {
  return (
    run('docker', ['inspect', '-f', '{{.State.Running}}', name]).trim() ===
    'true'
  )
}

function httpStatus(port) {
  return new Promise(resolve => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/', timeout: 2000 },
      response => {
        response.resume()
        resolve(response.statusCode)
      }
    )
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(undefined))
  })
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function lastLines(text, count = 3) {
  return text.trim().split('\n').slice(-count).join(' / ')
}

/**
 * The least an image of this app can be: the runtime base image plus the
 * venv's installed files (content bytes, no tar headers).
 */
async function measureFloor(rows, measurement) {
  const venvship = rows.find(row => row.recipe.id === 'venvship')
  if (!venvship?.figures) return undefined
  const base = await measurement.measure(
    RUNTIME_IMAGE,
    path.join(scratch, 'sizes-floor.json')
  )
  const venv = venvship.figures.directories.find(d => d.path === 'app/.venv')
  if (!venv) return undefined
  const floor = base.figures.size + venv.size
  return {
    base: base.figures.size,
    venv: venv.size,
    floor,
    image: venvship.figures.size,
    gap: venvship.figures.size - floor
  }
}

/**
 * The ways to know the compressed size of the largest image, timed on it:
 * the obvious pipeline, venvship's gzip -6 in blocks, Node's zlib (the
 * rejected alternative) and gzip -6 run once per layer.
 */
async function compareCompressors(row, measurement) {
  log(`comparing ways to compress ${row.tag}`)
  const obvious = timed(() =>
    Number(
      run('bash', [
        '-o',
        'pipefail',
        '-c',
        'docker save "$1" | gzip -c | wc -c',
        'sh',
        row.tag
      ])
    )
  )
  const zlib = await measurement.measure(row.tag, 'off', { compressor: 'zlib' })
  const gzip = await measurement.measure(row.tag, 'off')
  return {
    tag: row.tag,
    size: gzip.figures.size,
    obvious,
    gzip: { bytes: gzip.figures.compressedSize, seconds: gzip.seconds },
    zlib: { bytes: zlib.figures.compressedSize, seconds: zlib.seconds },
    perLayer: gzipPerLayer(row.tag)
  }
}

function timed(work) {
  const started = performance.now()
  const value = work()
  return { value, seconds: (performance.now() - started) / 1000 }
}

/** The layers written out by docker save and tar, then one gzip each at once. */
function gzipPerLayer(tag) {
  const dir = mkdtempSync(path.join(scratch, 'layers-'))
  try {
    const saved = timed(() =>
      run('bash', [
        '-o',
        'pipefail',
        '-c',
        'docker save "$1" | tar -x -C "$2"',
        'sh',
        tag,
        dir
      ])
    )
    const script = `
      cd "$1"
      sed -E 's/.*"Config":"([^"]+)".*/\\1/' manifest.json > config.path
      sed -E 's/.*"Layers":\\[([^]]*)\\].*/\\1/' manifest.json |
        tr ',' '\\n' | tr -d '"' | sort -u |
        xargs -P 0 -I{} sh -c 'gzip -6 -c < {} | wc -c' |
        awk -v config=$(wc -c < $(cat config.path)) '{ s += $1 } END { print s + config }'`
    const gzipped = timed(() =>
      Number(run('bash', ['-euo', 'pipefail', '-c', script, 'sh', dir]))
    )
    return {
      bytes: gzipped.value,
      seconds: gzipped.seconds,
      saveSeconds: saved.seconds
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Each distinct layer tar by `wc -c` and `gzip -6`, plus the config. */
function measureInShell(tag) {
  log(`checking ${tag} with tar, wc -c and gzip -6`)
  const script = `
    dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
    docker save "$1" | tar -x -C "$dir"
    cd "$dir"
    config=$(sed -E 's/.*"Config":"([^"]+)".*/\\1/' manifest.json)
    layers=$(sed -E 's/.*"Layers":\\[([^]]*)\\].*/\\1/' manifest.json |
      tr ',' '\\n' | tr -d '"' | sort -u)
    size=0; compressed=$(wc -c < "$config")
    for layer in $layers; do
      if gzip -t "$layer" 2>/dev/null; then read='gzip -dc'; else read='cat'; fi
      size=$((size + $($read "$layer" | wc -c)))
      compressed=$((compressed + $($read "$layer" | gzip -6 -c | wc -c)))
    done
    echo "$size $compressed"`
  const [size, compressedSize] = run('bash', [
    '-euo',
    'pipefail',
    '-c',
    script,
    'sh',
    tag
  ])
    .trim()
    .split(' ')
    .map(Number)
  return { size, compressedSize }
}

// ---- Rendering ----------------------------------------------------------

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

function seconds(value) {
  return value === undefined ? '–' : `${value.toFixed(1)} s`
}

function percent(part, whole, digits = 1) {
  return `${((100 * part) / whole).toFixed(digits)}%`
}

/** A signed difference, fine enough to tell 0.01% from nothing. */
function gap(ours, theirs) {
  const value = percent(ours - theirs, theirs, 3)
  return ours >= theirs ? `+${value}` : value
}

function table(header, rows) {
  const line = cells => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join(
    '\n'
  )
}

function recipeRow(row) {
  if (!row.built) {
    return [
      row.recipe.label,
      '–',
      '–',
      `✗ did not build`,
      seconds(row.coldSeconds),
      '–',
      '–'
    ]
  }
  const starts = row.start.ok
    ? `✓ (${row.start.detail})`
    : `✗ ${row.start.detail.replace(/\|/g, '\\|')}`
  return [
    row.recipe.label,
    mb(row.figures.size),
    mb(row.figures.compressedSize),
    starts,
    seconds(row.coldSeconds),
    seconds(row.warmSeconds),
    [row.measureSeconds, row.knownLayersSeconds, row.sameImageSeconds]
      .map(seconds)
      .join(' / ')
  ]
}

function exampleSection(result) {
  const header = [
    'Recipe',
    'Size',
    'Compressed',
    'Starts (HTTP within 60 s)',
    'Cold build',
    'Warm build',
    'Measuring (empty cache / known layers / same image)'
  ]
  const parts = [
    `### \`examples/${result.example}\``,
    table(header, result.rows.map(recipeRow))
  ]
  const failures = result.rows.filter(row => !row.built)
  for (const row of failures) {
    parts.push(
      `${row.recipe.label} failed to build:\n\n\`\`\`text\n${row.failure}\n\`\`\``
    )
  }
  parts.push(costLines(result))
  if (result.compressors) parts.push(compressorTable(result.compressors))
  if (result.floor) parts.push(floorLine(result.floor))
  if (result.checks.length) parts.push(checkTable(result.checks))
  return parts.join('\n\n')
}

/** Measuring both images against building them, as the action does. */
function costLines(result) {
  const pair = ['naive', 'venvship'].map(id =>
    result.rows.find(row => row.recipe.id === id && row.built)
  )
  if (pair.some(row => !row) || !result.action) return ''
  const total = key => pair.reduce((sum, row) => sum + row[key], 0)
  const builds = total('coldSeconds')
  const warmBuilds = total('warmSeconds')
  const { empty, baseKnown, baseLayers, known, same, pipeline } = result.action
  const { firstByte, saved, duringBuild } = result.engine
  const share = value => `${seconds(value)}, ${percent(value, builds)}`
  return [
    `- Cold builds of the naive and the venvship image: ${seconds(builds)} ` +
      '(base images already in the engine, so not pulled). Measuring both ' +
      'at once after both are built:',
    `  - empty size cache (a hosted runner's first run on a branch): ` +
      `${share(empty)} of the builds;`,
    `  - the base images' ${baseLayers} layers known (later runs: the ` +
      "branch's sizes record carries them; a self-hosted runner keeps its " +
      `cache): ${share(baseKnown)};`,
    `  - every layer known, the images new: ${share(known)};`,
    `  - the same images: ${share(same)}.`,
    ...pipelineLines(pipeline, baseLayers),
    `- What the engine alone costs any reader: \`docker save\` of both ` +
      `images at once, to nowhere, takes ${seconds(saved)} ` +
      `(${percent(saved, builds)} of the builds); in a run of its own, ` +
      `the first byte came after ${seconds(firstByte)}, the classic image ` +
      'store writing the archive to a folder of its own before it sends ' +
      'any. A save started a second into a ' +
      `cold build finished at ${seconds(duringBuild.save)}, the build at ` +
      `${seconds(duringBuild.build)} (alone the save takes ` +
      `${seconds(duringBuild.alone)}): ` +
      (duringBuild.save >= duringBuild.build - 0.5
        ? 'the engine holds a save until the build is done, so measuring ' +
          'one image cannot hide behind building the other.'
        : 'the engine runs a save during a build.'),
    `- A warm rerun with nothing changed: builds ${seconds(warmBuilds)}, ` +
      `measuring ${seconds(same)} (the same images, known by ID): ` +
      `${seconds(warmBuilds + same)} in all against ` +
      `${seconds(builds + empty)} cold ` +
      `(${percent(warmBuilds + same, builds + empty)}).`
  ].join('\n')
}

/** Measuring in the action's order, against the same builds alone. */
function pipelineLines(pipeline, baseLayers) {
  const line = (label, { buildsOnly, measured, wait, lowest, highest }) => {
    const cost = measured - buildsOnly
    const verdict = cost <= buildsOnly / 10 ? 'within' : 'over'
    return (
      `  - ${label}: ${seconds(measured)} against ${seconds(buildsOnly)} ` +
      `for the builds alone, so measuring cost ${seconds(cost)}, ` +
      `${percent(cost, buildsOnly)} of the builds (${verdict} the ` +
      `10% target; from ${seconds(lowest)} to ${seconds(highest)} ` +
      `between runs, cold builds varying by seconds); ${seconds(wait)} ` +
      'of waiting after the last build.'
    )
  }
  return [
    `- In the action's order (the naive image measured while the venvship ` +
      'image builds, then the venvship image), from the first cold build ' +
      `to the last figure, mean of ${pipeline.rounds} runs each:`,
    line('empty size cache', pipeline.empty),
    line(`the base images' ${baseLayers} layers known`, pipeline.baseKnown)
  ]
}

/** How the compressed size of the largest image could be known. */
function compressorTable(compared) {
  const exact = compared.perLayer.bytes
  const rows = [
    [
      `\`docker save ${compared.tag} \\| gzip -c \\| wc -c\` (the whole archive)`,
      mb(compared.obvious.value),
      '–',
      seconds(compared.obvious.seconds)
    ],
    [
      '**venvship**: `gzip -6` on 8 MiB blocks, one process per core, streamed',
      mb(compared.gzip.bytes),
      gap(compared.gzip.bytes, exact),
      seconds(compared.gzip.seconds)
    ],
    [
      'Node’s zlib level 6 on 1 MiB blocks, streamed (rejected)',
      mb(compared.zlib.bytes),
      gap(compared.zlib.bytes, exact),
      seconds(compared.zlib.seconds)
    ],
    [
      '`gzip -6` once per layer, all at once, on layers already on disk',
      mb(exact),
      '(reference)',
      `${seconds(compared.perLayer.seconds)} + ${seconds(compared.perLayer.saveSeconds)} to write them out`
    ]
  ]
  return (
    `Ways to know the compressed size of the ${mb(compared.size)} ` +
    'naive image (no size cache):\n\n' +
    table(['Method', 'Compressed', 'Against gzip -6 per layer', 'Time'], rows)
  )
}

function floorLine(floor) {
  return (
    `Floor: the runtime base image (\`${RUNTIME_IMAGE}\`, ${mb(floor.base)}) ` +
    `plus the venv's installed files (${mb(floor.venv)}) make ` +
    `${mb(floor.floor)}; venvship's image is ${mb(floor.image)}, ` +
    `${mb(floor.gap)} above it (the app's source, and tar headers of ` +
    'the venv layer).'
  )
}

function checkTable(checks) {
  const rows = checks.map(({ row, shell }) => [
    row.recipe.label,
    `${row.figures.size} / ${shell.size}`,
    `${row.figures.compressedSize} / ${shell.compressedSize}`,
    gap(row.figures.compressedSize, shell.compressedSize)
  ])
  return (
    'Check against a shell computation (`docker save`, `tar -x`, `wc -c`, ' +
    '`gzip -6` per distinct layer, plus the config):\n\n' +
    table(
      [
        'Image',
        'Bytes (venvship / shell)',
        'Compressed (venvship / shell)',
        'Compressed difference'
      ],
      rows
    )
  )
}

function renderMarkdown(machine, results) {
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`node scripts/bench.mjs`) on ' +
      `${new Date().toISOString().slice(0, 10)}; rerun it to check.`,
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${machine.cores} cores, ${machine.cpu}`],
        ['Memory', machine.memory],
        [
          'Docker engine',
          `${machine.engine}, ${machine.store} image store, buildx ${machine.buildx}`
        ],
        ['Base images', machine.images],
        ['Tools', `Node ${machine.node}, ${machine.gzip}`]
      ]
    ),
    '',
    '## Results',
    '',
    results.map(exampleSection).join('\n\n'),
    '',
    readFileSync(
      path.join(ROOT, 'scripts', 'bench', 'method.md'),
      'utf8'
    ).trim(),
    ''
  ].join('\n')
}
