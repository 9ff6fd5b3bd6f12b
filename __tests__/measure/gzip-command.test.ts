import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  chooseCompression,
  GzipCommandCounter,
  gzipCommandAvailable
} from '../../src/measure/gzip-command.js'
import { CompressionPool } from '../../src/measure/gzip-size.js'

const TYPESCRIPT_SOURCE = fileURLToPath(
  new URL('../../node_modules/typescript/lib/typescript.js', import.meta.url)
)

/** GNU gzip's own figure, computed apart from the counter. */
const gzipped = (data: Buffer) =>
  spawnSync('gzip', ['-6', '-c'], { input: data, maxBuffer: 1e9 }).stdout.length

async function count(
  data: Buffer,
  blockSize: number,
  piece = 65_536,
  command = 'gzip'
): Promise<number> {
  const counter = new GzipCommandCounter(
    new CompressionPool(2),
    command,
    blockSize
  )
  for (let offset = 0; offset < data.length; offset += piece) {
    await counter.write(data.subarray(offset, offset + piece))
  }
  return counter.end()
}

describe('GzipCommandCounter', () => {
  test.each([
    ['nothing', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['source code', readFileSync(TYPESCRIPT_SOURCE).subarray(0, 1e6)],
    ['random bytes', randomBytes(200_000)]
  ])(
    'counts exactly what gzip -6 writes for %s in one block',
    async (_, data) => {
      expect(await count(data, 8 * 1024 * 1024)).toBe(gzipped(data))
    }
  )

  test.each([
    ['source code', () => readFileSync(TYPESCRIPT_SOURCE)],
    ['random bytes', () => randomBytes(5_000_000)]
  ])(
    'stays within 0.2% of one stream over many blocks: %s',
    async (_, make) => {
      const data = make()
      // Half the real block size, for more boundaries; each costs the
      // 32 KiB of history the next block starts without.
      const counted = await count(data, 4 * 1024 * 1024)
      const expected = gzipped(data)
      expect(Math.abs(counted - expected) / expected).toBeLessThan(0.002)
    }
  )

  test('fails when the command fails', async () => {
    await expect(count(Buffer.from('data'), 1024, 4, 'false')).rejects.toThrow(
      'false -6 exited with 1'
    )
  })

  test('fails when the command does not exist', async () => {
    await expect(
      count(Buffer.from('data'), 1024, 4, 'venvship-no-such-gzip')
    ).rejects.toThrow('ENOENT')
  })
})

describe('chooseCompression', () => {
  test('takes gzip where it runs, zlib when asked', async () => {
    expect(await gzipCommandAvailable()).toBe(true)
    expect(await gzipCommandAvailable('venvship-no-such-gzip')).toBe(false)
    expect(await chooseCompression()).toBe('gzip -6')
    expect(await chooseCompression('zlib')).toBe('zlib -6 (approximate)')
  })
})
