/**
 * A minimal tar writer for tests: enough of ustar, PAX and GNU to build
 * the archives the reader must handle, including the awkward ones.
 */

export interface TestEntry {
  name: string
  /** Type flag; '0' (a file) unless told. */
  type?: string
  content?: Buffer | string
  linkName?: string
  /** How to store a name longer than 100 bytes (default: PAX). */
  longName?: 'pax' | 'gnu' | 'prefix'
  /** Write the size field in GNU base-256 instead of octal. */
  base256Size?: boolean
  /** The size field, when it must differ from the content (header only). */
  sizeField?: number
  /** Extra PAX records to put in an 'x' header before this entry. */
  pax?: Record<string, string>
}

export interface ArchiveOptions {
  /** Two zero blocks after the last entry (default true). */
  endMarker?: boolean
  /** Pad the archive to a multiple of this, like GNU tar's 10 KiB records. */
  recordSize?: number
}

const BLOCK = 512

export function tarArchive(
  entries: TestEntry[],
  options: ArchiveOptions = {}
): Buffer {
  const parts = entries.flatMap(entryBlocks)
  if (options.endMarker ?? true) parts.push(Buffer.alloc(2 * BLOCK))
  let archive = Buffer.concat(parts)
  if (options.recordSize) {
    const size = options.recordSize
    const padding = (size - (archive.length % size)) % size
    archive = Buffer.concat([archive, Buffer.alloc(padding)])
  }
  return archive
}

function entryBlocks(entry: TestEntry): Buffer[] {
  const content = Buffer.from(entry.content ?? '')
  const type = entry.type ?? '0'
  const blocks: Buffer[] = []
  const records = Object.entries(entry.pax ?? {}).map(([key, value]) =>
    paxRecord(key, value)
  )
  let name = entry.name
  let prefix = ''
  if (Buffer.byteLength(name) > 100) {
    const style = entry.longName ?? 'pax'
    if (style === 'pax') {
      records.push(paxRecord('path', name))
    } else if (style === 'gnu') {
      blocks.push(...metadataBlocks('L', Buffer.from(`${name}\0`)))
    } else {
      const cut = name.lastIndexOf('/', name.length - 2)
      prefix = name.slice(0, cut)
      name = name.slice(cut + 1)
    }
    if (style !== 'prefix') name = name.slice(0, 100)
  }
  if (records.length > 0) blocks.push(...paxHeader(records))
  const header = headerBlock({
    name,
    prefix,
    type,
    linkName: entry.linkName ?? '',
    size: entry.sizeField ?? content.length,
    base256Size: entry.base256Size ?? false
  })
  blocks.push(header, padded(content))
  return blocks
}

function metadataBlocks(type: string, data: Buffer): Buffer[] {
  const header = headerBlock({
    name: '././@LongLink',
    prefix: '',
    type,
    linkName: '',
    size: data.length,
    base256Size: false
  })
  return [header, padded(data)]
}

/** "<length> key=value\n", where the length counts its own digits. */
export function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`
  let length = Buffer.byteLength(body) + 1
  while (`${length}`.length + Buffer.byteLength(body) !== length) length++
  return Buffer.from(`${length}${body}`)
}

export function paxHeader(records: Buffer[]): Buffer[] {
  return metadataBlocks('x', Buffer.concat(records))
}

interface HeaderFields {
  name: string
  prefix: string
  type: string
  linkName: string
  size: number
  base256Size: boolean
}

export function headerBlock(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK)
  block.write(fields.name, 0, 100, 'utf8')
  writeOctal(block, 100, 8, 0o644)
  writeOctal(block, 108, 8, 0)
  writeOctal(block, 116, 8, 0)
  if (fields.base256Size) writeBase256(block, 124, 12, fields.size)
  else writeOctal(block, 124, 12, fields.size)
  writeOctal(block, 136, 12, 1_700_000_000)
  block.write(fields.type, 156, 1, 'latin1')
  block.write(fields.linkName, 157, 100, 'utf8')
  block.write('ustar\0', 257, 6, 'latin1')
  block.write('00', 263, 2, 'latin1')
  block.write(fields.prefix, 345, 155, 'utf8')
  setChecksum(block)
  return block
}

export function setChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1')
}

function writeOctal(
  block: Buffer,
  offset: number,
  width: number,
  value: number
) {
  block.write(
    `${value.toString(8).padStart(width - 1, '0')}\0`,
    offset,
    width,
    'latin1'
  )
}

function writeBase256(
  block: Buffer,
  offset: number,
  width: number,
  value: number
) {
  let rest = BigInt(value)
  for (let i = offset + width - 1; i > offset; i--) {
    block[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  block[offset] = 0x80
}

function padded(data: Buffer): Buffer {
  const padding = (BLOCK - (data.length % BLOCK)) % BLOCK
  return Buffer.concat([data, Buffer.alloc(padding)])
}

/** Yields a buffer in pieces of the given sizes, cycling through them. */
export async function* inPieces(
  data: Buffer,
  sizes: number[] = [data.length || 1]
): AsyncGenerator<Buffer> {
  let offset = 0
  for (let i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]
    yield data.subarray(offset, offset + size)
    offset += size
  }
}
