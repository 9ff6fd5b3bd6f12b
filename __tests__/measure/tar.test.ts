import { execFileSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import {
  readTar,
  TarFormatError,
  type TarHeader
} from '../../src/measure/tar.js'
import {
  headerBlock,
  inPieces,
  paxHeader,
  paxRecord,
  setChecksum,
  tarArchive,
  type TestEntry
} from './tar-writer.js'

interface ReadEntry {
  header: TarHeader
  content: string
}

async function readAll(
  source: AsyncIterable<unknown>,
  readBodies = true
): Promise<ReadEntry[]> {
  const entries: ReadEntry[] = []
  for await (const { header, body } of readTar(source)) {
    const parts: Buffer[] = []
    if (readBodies) for await (const chunk of body) parts.push(chunk)
    entries.push({ header, content: Buffer.concat(parts).toString('utf8') })
  }
  return entries
}

function summary(entries: ReadEntry[]): [string, string, number, string][] {
  return entries.map(({ header, content }) => [
    header.name,
    header.type,
    header.size,
    header.linkName || content
  ])
}

const LONG_NAME = `${'deep/'.repeat(30)}file-with-a-long-name.txt`
const LONG_TARGET = `${'target/'.repeat(20)}t.txt`
const BLOCK_OF_A = 'a'.repeat(512)

interface ReadCase {
  title: string
  entries: TestEntry[]
  expected: [string, string, number, string][]
}

const READ_CASES: ReadCase[] = [
  {
    title: 'plain files and a directory',
    entries: [
      { name: 'dir/', type: '5' },
      { name: 'dir/hello.txt', content: 'hello' },
      { name: 'top.txt', content: 'top\n' }
    ],
    expected: [
      ['dir/', 'directory', 0, ''],
      ['dir/hello.txt', 'file', 5, 'hello'],
      ['top.txt', 'file', 4, 'top\n']
    ]
  },
  {
    title: 'an empty file between others',
    entries: [
      { name: 'a', content: 'A' },
      { name: 'empty' },
      { name: 'b', content: 'B' }
    ],
    expected: [
      ['a', 'file', 1, 'A'],
      ['empty', 'file', 0, ''],
      ['b', 'file', 1, 'B']
    ]
  },
  {
    title: 'a file of exactly one block, then one a byte over',
    entries: [
      { name: 'block', content: BLOCK_OF_A },
      { name: 'over', content: `${BLOCK_OF_A}b` },
      { name: 'after', content: 'x' }
    ],
    expected: [
      ['block', 'file', 512, BLOCK_OF_A],
      ['over', 'file', 513, `${BLOCK_OF_A}b`],
      ['after', 'file', 1, 'x']
    ]
  },
  {
    title: 'links, devices and a fifo',
    entries: [
      { name: 'target', content: 'data' },
      { name: 'soft', type: '2', linkName: 'target' },
      { name: 'hard', type: '1', linkName: 'target' },
      { name: 'null', type: '3' },
      { name: 'disk', type: '4' },
      { name: 'pipe', type: '6' }
    ],
    expected: [
      ['target', 'file', 4, 'data'],
      ['soft', 'symlink', 0, 'target'],
      ['hard', 'hardlink', 0, 'target'],
      ['null', 'character-device', 0, ''],
      ['disk', 'block-device', 0, ''],
      ['pipe', 'fifo', 0, '']
    ]
  },
  {
    title: 'a long name in a PAX header',
    entries: [{ name: LONG_NAME, content: 'pax', longName: 'pax' }],
    expected: [[LONG_NAME, 'file', 3, 'pax']]
  },
  {
    title: 'a long name in a GNU long-name entry',
    entries: [{ name: LONG_NAME, content: 'gnu', longName: 'gnu' }],
    expected: [[LONG_NAME, 'file', 3, 'gnu']]
  },
  {
    title: 'a long name split into ustar prefix and name',
    entries: [{ name: LONG_NAME, content: 'ustar', longName: 'prefix' }],
    expected: [[LONG_NAME, 'file', 5, 'ustar']]
  },
  {
    title: 'a long link target in PAX linkpath',
    entries: [
      { name: 'link', type: '2', pax: { linkpath: LONG_TARGET } },
      { name: 'next', content: 'n' }
    ],
    expected: [
      ['link', 'symlink', 0, LONG_TARGET],
      ['next', 'file', 1, 'n']
    ]
  },
  {
    title: 'a PAX size overriding the size field',
    entries: [
      {
        name: 'big',
        content: 'twelve bytes',
        sizeField: 0,
        pax: { size: '12' }
      },
      { name: 'next', content: 'n' }
    ],
    expected: [
      ['big', 'file', 12, 'twelve bytes'],
      ['next', 'file', 1, 'n']
    ]
  },
  {
    title: 'PAX records apply to one entry only',
    entries: [
      { name: 'short', content: '1', pax: { path: 'renamed' } },
      { name: 'plain', content: '2' }
    ],
    expected: [
      ['renamed', 'file', 1, '1'],
      ['plain', 'file', 1, '2']
    ]
  },
  {
    title: 'a base-256 size field',
    entries: [{ name: 'b256', content: 'base 256', base256Size: true }],
    expected: [['b256', 'file', 8, 'base 256']]
  },
  {
    title: 'the pre-POSIX file type flag',
    entries: [{ name: 'old', type: '\0', content: 'v7' }],
    expected: [['old', 'file', 2, 'v7']]
  },
  {
    title: 'a global PAX header, ignored',
    entries: [
      {
        name: 'pax_global_header',
        type: 'g',
        content: paxRecord('comment', 'x').toString()
      },
      { name: 'file', content: 'f' }
    ],
    expected: [['file', 'file', 1, 'f']]
  },
  {
    title: 'an unknown type, framed by its size',
    entries: [
      { name: 'vendor', type: 'V', content: 'volume' },
      { name: 'file', content: 'f' }
    ],
    expected: [
      ['vendor', 'other', 6, 'volume'],
      ['file', 'file', 1, 'f']
    ]
  },
  {
    title: 'no entries at all',
    entries: [],
    expected: []
  }
]

// Piece sizes that put chunk boundaries inside headers, bodies and padding.
const PIECES: [string, number[]][] = [
  ['whole', [1 << 20]],
  ['1-byte pieces', [1]],
  ['7-byte pieces', [7]],
  ['511/513-byte pieces', [511, 513]]
]

describe('readTar', () => {
  describe.each(PIECES)('fed in %s', (_label, pieces) => {
    test.each(READ_CASES)('reads $title', async ({ entries, expected }) => {
      const archive = tarArchive(entries)
      expect(summary(await readAll(inPieces(archive, pieces)))).toEqual(
        expected
      )
    })
  })

  test.each(READ_CASES)('skips unread bodies: $title', async testCase => {
    const archive = tarArchive(testCase.entries, { recordSize: 10240 })
    const entries = await readAll(inPieces(archive, [100]), false)
    expect(entries.map(({ header }) => header.name)).toEqual(
      testCase.expected.map(([name]) => name)
    )
  })

  test('skips the rest of a body read in part', async () => {
    const archive = tarArchive([
      { name: 'big', content: 'x'.repeat(5000) },
      { name: 'next', content: 'n' }
    ])
    const names: string[] = []
    for await (const { header, body } of readTar(inPieces(archive, [1000]))) {
      names.push(header.name)
      for await (const chunk of body) {
        expect(chunk.length).toBeLessThanOrEqual(1000)
        break
      }
    }
    expect(names).toEqual(['big', 'next'])
  })

  test('hands out content as it arrives, never a whole entry', async () => {
    const archive = tarArchive([
      { name: 'big', content: Buffer.alloc(1 << 20, 7) }
    ])
    let largest = 0
    let total = 0
    for await (const { body } of readTar(inPieces(archive, [65536]))) {
      for await (const chunk of body) {
        largest = Math.max(largest, chunk.length)
        total += chunk.length
      }
    }
    expect(total).toBe(1 << 20)
    expect(largest).toBeLessThanOrEqual(65536)
  })

  test('refuses a body read after moving on', async () => {
    const archive = tarArchive([
      { name: 'first', content: 'one' },
      { name: 'second', content: 'two' }
    ])
    const bodies: AsyncIterable<Buffer>[] = []
    for await (const { body } of readTar(inPieces(archive))) bodies.push(body)
    await expect(readBody(bodies[0])).rejects.toThrow(
      'the content of "first" was read after the next entry was requested'
    )
  })

  test('refuses to read a body twice', async () => {
    const archive = tarArchive([{ name: 'once', content: 'one' }])
    for await (const { body } of readTar(inPieces(archive))) {
      await readBody(body)
      await expect(readBody(body)).rejects.toThrow('can be read only once')
    }
  })

  test('reads the source to its end after the end-of-archive marker', async () => {
    const archive = tarArchive([{ name: 'a', content: 'A' }])
    let finished = false
    async function* source() {
      yield archive
      yield Buffer.from('trailing bytes are not entries')
      finished = true
    }
    expect(await readAll(source())).toHaveLength(1)
    expect(finished).toBe(true)
  })

  test('lets a Readable go when the caller stops early', async () => {
    const archive = tarArchive([
      { name: 'a', content: 'A' },
      { name: 'b', content: 'B' }
    ])
    const stream = Readable.from([
      archive.subarray(0, 600),
      archive.subarray(600)
    ])
    for await (const entry of readTar(stream)) {
      expect(entry.header.name).toBe('a')
      break
    }
    expect(stream.destroyed).toBe(true)
  })

  test('reads a size above 8 GiB in base-256 before finding the data missing', async () => {
    const size = 10 * 1024 ** 3 + 3
    const archive = tarArchive(
      [
        {
          name: 'huge',
          content: 'only this',
          sizeField: size,
          base256Size: true
        }
      ],
      { endMarker: false }
    )
    const sizes: number[] = []
    const reading = (async () => {
      for await (const { header } of readTar(inPieces(archive))) {
        sizes.push(header.size)
      }
    })()
    await expect(reading).rejects.toThrow(TarFormatError)
    expect(sizes).toEqual([size])
  })

  test('steps over the extension blocks of an old GNU sparse header', async () => {
    const sparse = headerBlock({
      name: 'sparse',
      prefix: '',
      type: 'S',
      linkName: '',
      size: 5,
      base256Size: false
    })
    sparse[482] = 1 // "isextended": a sparse-map block follows
    setChecksum(sparse)
    const extension = Buffer.alloc(512, 0x31)
    extension[504] = 0 // the last one
    const data = Buffer.alloc(512)
    data.write('holes')
    const archive = Buffer.concat([
      sparse,
      extension,
      data,
      tarArchive([{ name: 'next', content: 'n' }])
    ])
    expect(summary(await readAll(inPieces(archive, [100])))).toEqual([
      ['sparse', 'file', 5, 'holes'],
      ['next', 'file', 1, 'n']
    ])
  })

  test('rejects text chunks', async () => {
    async function* text() {
      yield 'not bytes'
    }
    await expect(readAll(text())).rejects.toThrow('must be read as bytes')
  })
})

async function readBody(body: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = []
  for await (const chunk of body) parts.push(chunk)
  return Buffer.concat(parts).toString()
}

describe('readTar on broken input', () => {
  const good = tarArchive([
    { name: 'first', content: 'x'.repeat(700) },
    { name: 'second', content: 'y' }
  ])
  const corruptHeader = Buffer.from(good)
  corruptHeader[10] ^= 0xff
  const badPax = Buffer.concat([
    ...paxHeader([Buffer.from('20 path=x\n')]),
    Buffer.alloc(1024)
  ])
  const hugePax = headerBlock({
    name: 'pax',
    prefix: '',
    type: 'x',
    linkName: '',
    size: 2 * 1024 * 1024,
    base256Size: false
  })
  const badSize = headerBlock({
    name: 'f',
    prefix: '',
    type: '0',
    linkName: '',
    size: 1,
    base256Size: false
  })
  badSize.write('9', 124, 'latin1')
  setChecksum(badSize)

  const CASES: [string, Buffer, string][] = [
    ['empty input', Buffer.alloc(0), 'not a tar archive: the input is empty'],
    [
      'a cut inside a header',
      good.subarray(0, 100),
      'ends inside a header at byte 0'
    ],
    [
      'a cut inside a body',
      good.subarray(0, 512 + 300),
      '"first" ends 400 bytes short of its 700'
    ],
    [
      'a cut inside padding',
      good.subarray(0, 512 + 800),
      'ends in the padding after a "first"'
    ],
    [
      'a missing end-of-archive marker',
      good.subarray(0, 2560),
      'ends at byte 2560 without an end-of-archive marker'
    ],
    [
      'a missing second entry',
      good.subarray(0, 1636),
      'ends inside a header at byte 1536'
    ],
    [
      'text that is not a tar',
      Buffer.from('{"not": "a tar"}'.repeat(64)),
      'bad header checksum at byte 0'
    ],
    ['a corrupt header', corruptHeader, 'bad header checksum at byte 0'],
    ['a PAX record whose length lies', badPax, 'corrupt PAX header'],
    ['an oversized PAX header', hugePax, 'is too large'],
    ['a size field that is not octal', badSize, 'bad size'],
    [
      'a PAX header cut short',
      paxHeader([paxRecord('path', 'p')])[0],
      'ends inside a metadata record'
    ]
  ]

  test.each(CASES)(
    'rejects %s with a clear error',
    async (_title, archive, message) => {
      const reading = readAll(inPieces(archive, [64]))
      await expect(reading).rejects.toThrow(TarFormatError)
      await expect(readAll(inPieces(archive, [64]))).rejects.toThrow(message)
    }
  )

  test('passes on the failure of the source itself', async () => {
    async function* failing() {
      yield good.subarray(0, 600)
      throw new Error('docker save died')
    }
    await expect(readAll(failing())).rejects.toThrow('docker save died')
  })
})

describe('readTar on archives made by GNU tar', () => {
  let dir: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'venvship-tar-'))
    const tree = join(dir, 'tree')
    const deep = join(
      tree,
      ...Array.from({ length: 12 }, (_, i) => `level-${i}-of-the-tree`)
    )
    mkdirSync(deep, { recursive: true })
    writeFileSync(
      join(deep, 'a-file-at-the-bottom-of-a-long-path.txt'),
      'bottom'
    )
    writeFileSync(join(tree, 'empty'), '')
    writeFileSync(join(tree, 'block'), BLOCK_OF_A)
    writeFileSync(join(tree, 'ünïcödé.txt'), 'utf-8 name')
    symlinkSync('block', join(tree, 'link-to-block'))
  })

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test.each(['gnu', 'pax', 'ustar', 'v7'])(
    'reads the %s format',
    async format => {
      const file = join(dir, `${format}.tar`)
      // v7 and ustar cannot hold the long path: leave it out of those.
      const members =
        format === 'gnu' || format === 'pax'
          ? ['.']
          : ['empty', 'block', 'link-to-block']
      execFileSync('tar', [
        `--format=${format}`,
        '-cf',
        file,
        '-C',
        join(dir, 'tree'),
        ...members
      ])
      const listed = execFileSync('tar', ['-tf', file], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
      const entries = await readAll(inPieces(await readFile(file), [4096]))
      expect(entries.map(({ header }) => header.name)).toEqual(listed)
      const byName = new Map(
        entries.map(entry => [entry.header.name.replace(/^\.\//, ''), entry])
      )
      expect(byName.get('block')?.content).toBe(BLOCK_OF_A)
      expect(byName.get('empty')?.header.size).toBe(0)
      expect(byName.get('link-to-block')?.header).toMatchObject({
        type: 'symlink',
        linkName: 'block'
      })
      if (members[0] === '.') {
        expect(byName.get('ünïcödé.txt')?.content).toBe('utf-8 name')
        const bottom = entries.find(({ header }) =>
          header.name.endsWith('bottom-of-a-long-path.txt')
        )
        expect(bottom?.header.name.length).toBeGreaterThan(255)
        expect(bottom?.content).toBe('bottom')
      }
    }
  )
})
