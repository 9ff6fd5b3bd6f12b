import { spawn } from 'node:child_process'
import type { CompressionPool } from './gzip-size.js'

/** How the compressed figure is computed, as reports name it. */
export type CompressionMethod = 'gzip -6' | 'zlib -6 (approximate)'

/**
 * Blocks given to one gzip process. Each block starts without the 32 KiB
 * of history a single stream would have; at 8 MiB that costs about a
 * hundredth of a percent on real layers, and a layer of one block is
 * counted exactly.
 */
export const GZIP_COMMAND_BLOCK_SIZE = 8 * 1024 * 1024

/** gzip's 10-byte header (no file name from stdin) and 8-byte trailer. */
const GZIP_WRAPPER_BYTES = 18

/**
 * Counts the bytes `gzip -6` writes for a stream by running GNU gzip
 * itself on consecutive blocks, as many at once as the pool has slots.
 * GNU gzip rather than Node's zlib: Node bundles Chromium's zlib, whose
 * output is 1 to 2% larger on real layers than the deflate every other
 * tool (gzip, pigz, Python, Go) writes.
 */
export class GzipCommandCounter {
  private block: Buffer[] = []
  private blockBytes = 0
  private blocks = 0
  private compressed = 0
  private failure: { error: unknown } | undefined
  private readonly jobs = new Set<Promise<void>>()
  private ended = false

  constructor(
    private readonly pool: CompressionPool,
    private readonly command = 'gzip',
    private readonly blockSize = GZIP_COMMAND_BLOCK_SIZE
  ) {}

  /** Resolves when the counter can take more: waits for a free slot. */
  async write(chunk: Buffer): Promise<void> {
    if (this.ended) throw new Error('GzipCommandCounter: write after end')
    let rest = chunk
    while (rest.length > 0) {
      const room = this.blockSize - this.blockBytes
      const piece = rest.subarray(0, room)
      this.block.push(piece)
      this.blockBytes += piece.length
      rest = rest.subarray(piece.length)
      if (this.blockBytes === this.blockSize) await this.dispatch()
    }
  }

  /** The size of one gzip stream of everything written. */
  async end(): Promise<number> {
    if (!this.ended) {
      this.ended = true
      if (this.blockBytes > 0 || this.blocks === 0) await this.dispatch()
    }
    while (this.jobs.size > 0) await Promise.all(this.jobs)
    if (this.failure) throw this.failure.error
    // One header and trailer, not one per block.
    return this.compressed - (this.blocks - 1) * GZIP_WRAPPER_BYTES
  }

  private async dispatch(): Promise<void> {
    const block = this.block
    this.block = []
    this.blockBytes = 0
    this.blocks++
    await this.pool.acquire()
    const job = gzipLength(this.command, block).then(
      length => {
        this.compressed += length
      },
      (error: unknown) => {
        this.failure ??= { error }
      }
    )
    const tracked = job.finally(() => {
      this.pool.release()
      this.jobs.delete(tracked)
    })
    this.jobs.add(tracked)
  }
}

/** The length of `gzip -6 -c` run on the pieces, in order. */
function gzipLength(command: string, pieces: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['-6', '-c'], {
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let length = 0
    let errors = ''
    child.stdout.on('data', (chunk: Buffer) => (length += chunk.length))
    child.stderr.on('data', chunk => (errors += String(chunk)))
    // A gzip that died early breaks the pipe; its exit status tells why.
    child.stdin.on('error', () => undefined)
    child.on('error', reject)
    child.on('close', code =>
      code === 0
        ? resolve(length)
        : reject(new Error(`${command} -6 exited with ${code}: ${errors}`))
    )
    for (const piece of pieces) child.stdin.write(piece)
    child.stdin.end()
  })
}

/** gzip -6 unless zlib is asked for or no gzip command runs here. */
export async function chooseCompression(
  preferred: 'gzip' | 'zlib' = 'gzip'
): Promise<CompressionMethod> {
  return preferred === 'gzip' && (await gzipCommandAvailable())
    ? 'gzip -6'
    : 'zlib -6 (approximate)'
}

/** Whether `gzip` runs here; without it the figure falls back to zlib. */
export function gzipCommandAvailable(command = 'gzip'): Promise<boolean> {
  return new Promise(resolve => {
    const child = spawn(command, ['--version'], { stdio: 'ignore' })
    child.on('error', () => resolve(false))
    child.on('close', code => resolve(code === 0))
  })
}
