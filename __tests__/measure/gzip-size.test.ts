import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import {
  CompressionPool,
  GzipSizeCounter
} from '../../src/measure/gzip-size.js'

const TYPESCRIPT_SOURCE = fileURLToPath(
  new URL('../../node_modules/typescript/lib/typescript.js', import.meta.url)
)

/** Compressible but not trivially: numbered lines with random words. */
function textLike(length: number): Buffer {
  const words = Array.from({ length: 500 }, () =>
    randomBytes(4).toString('hex')
  )
  const lines: string[] = []
  let size = 0
  for (let i = 0; size < length; i++) {
    const line = `${i} ${words[(i * 7) % 500]} ${words[(i * 13) % 500]}\n`
    lines.push(line)
    size += line.length
  }
  return Buffer.from(lines.join('')).subarray(0, length)
}

async function countInPieces(
  pool: CompressionPool,
  data: Buffer,
  piece: number
): Promise<number> {
  const counter = new GzipSizeCounter(pool)
  for (let offset = 0; offset < data.length; offset += piece) {
    await counter.write(data.subarray(offset, offset + piece))
  }
  return counter.end()
}

const gzipped = (data: Buffer) => gzipSync(data, { level: 6 }).length

describe('GzipSizeCounter', () => {
  const pool = new CompressionPool(2, 64 * 1024)

  test.each([
    ['nothing', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['text under one block', textLike(40_000)],
    ['random bytes under one block', randomBytes(60_000)]
  ])('counts exactly what gzip -6 writes for %s', async (_label, data) => {
    expect(await countInPieces(pool, data, 1000)).toBe(gzipped(data))
  })

  // Real text: synthetic text with long-range repeats is where a block
  // boundary's lost history shows most, and real layers do not look so.
  test.each([
    ['source code', () => readFileSync(TYPESCRIPT_SOURCE).subarray(0, 2e6)],
    ['random bytes', () => randomBytes(300_000)]
  ])(
    'stays within 0.5%% of one gzip stream for %s over many blocks',
    async (_label, makeData) => {
      const data = makeData()
      const counted = await countInPieces(pool, data, 10_000)
      const serial = gzipped(data)
      expect(Math.abs(counted - serial) / serial).toBeLessThan(0.005)
    }
  )

  test('pays a few bytes per block on data that vanishes', async () => {
    const data = Buffer.alloc(500_000)
    const blocks = Math.ceil(data.length / pool.blockSize)
    const counted = await countInPieces(pool, data, 10_000)
    expect(Math.abs(counted - gzipped(data))).toBeLessThan(20 * blocks)
  })

  test('does not depend on how the input is cut', async () => {
    const data = textLike(300_000)
    const sizes = await Promise.all(
      [1, 999, 65_536, 300_000].map(piece =>
        countInPieces(new CompressionPool(3, 64 * 1024), data, piece)
      )
    )
    expect(new Set(sizes).size).toBe(1)
  })

  test('refuses writes after end', async () => {
    const counter = new GzipSizeCounter(pool)
    await counter.end()
    await expect(counter.write(Buffer.from('late'))).rejects.toThrow(
      'write after end'
    )
  })
})

describe('CompressionPool', () => {
  test('makes the next caller wait for a free slot', async () => {
    const pool = new CompressionPool(2)
    await pool.acquire()
    await pool.acquire()
    let third = false
    const waiting = pool.acquire().then(() => {
      third = true
    })
    await new Promise(resolve => setImmediate(resolve))
    expect(third).toBe(false)
    pool.release()
    await waiting
    expect(third).toBe(true)
  })

  test.each([0, -1, 1.5])('refuses a concurrency of %p', concurrency => {
    expect(() => new CompressionPool(concurrency)).toThrow(RangeError)
  })
})
