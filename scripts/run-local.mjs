#!/usr/bin/env node
// Runs the bundled action the way a GitHub runner does: inputs as INPUT_*
// variables, outputs and the job summary written to files, then prints
// the summary and the outputs.
//
//   node scripts/run-local.mjs <project-folder> [--input-name value ...]
//   e.g. node scripts/run-local.mjs examples/fastapi-poetry --max-size 150MB
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const [project, ...rest] = process.argv.slice(2)
if (!project || rest.length % 2 !== 0) {
  console.error('usage: run-local.mjs <project-folder> [--input value ...]')
  process.exit(2)
}

const inputs = { 'working-directory': path.resolve(project) }
// Behind a TLS-inspecting proxy the host's bundle is what builds need.
if (process.env.SSL_CERT_FILE) {
  inputs['ca-certificates'] = process.env.SSL_CERT_FILE
}
for (let i = 0; i < rest.length; i += 2) {
  inputs[rest[i].replace(/^--/, '')] = rest[i + 1]
}

const scratch = mkdtempSync(path.join(tmpdir(), 'venvship-local-'))
const files = {
  GITHUB_OUTPUT: path.join(scratch, 'output'),
  GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md')
}
for (const file of Object.values(files)) writeFileSync(file, '')

const env = { ...process.env, ...files, GITHUB_WORKSPACE: process.cwd() }
for (const [name, value] of Object.entries(inputs)) {
  env[`INPUT_${name.toUpperCase()}`] = value
}
const action = spawnSync('node', [path.join(root, 'dist/index.js')], {
  env,
  stdio: 'inherit'
})

console.log('\n===== job summary =====\n')
console.log(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'))
console.log('===== outputs =====\n')
console.log(
  readFileSync(files.GITHUB_OUTPUT, 'utf8').replace(
    /ghadelimiter_[\w-]+\n?/g,
    ''
  )
)
process.exit(action.status ?? 1)
