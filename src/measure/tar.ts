import { ChunkReader } from './chunk-reader.js'

export const TAR_BLOCK_SIZE = 512

/** PAX and GNU long-name records are metadata: bound what we hold. */
const MAX_METADATA_SIZE = 1024 * 1024

export type TarEntryType =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'other'

export interface TarHeader {
  /** Full path, with the ustar prefix, a GNU long name or a PAX path applied. */
  name: string
  /** Target of a link, likewise completed; empty for other entries. */
  linkName: string
  /** The raw type flag; the pre-POSIX '\0' for a file is reported as '0'. */
  typeFlag: string
  type: TarEntryType
  /** Bytes of content that follow the header (0 for header-only types). */
  size: number
}

export interface TarEntry {
  header: TarHeader
  /**
   * The entry's content, at most once and before asking for the next entry;
   * whatever is left unread is skipped when the next entry is requested.
   */
  body: AsyncIterable<Buffer>
}

/** The input is not a well-formed tar archive, or ends too early. */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TarFormatError'
  }
}

const ENTRY_TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '7': 'file', // contiguous file: a regular file everywhere that matters
  S: 'file', // GNU sparse file: the stored chunks follow the header
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo'
}

// Like Go's archive/tar, trust the type over the size field for these.
const HEADER_ONLY_TYPES = new Set(['1', '2', '3', '4', '5', '6'])

/**
 * Reads a tar archive (ustar, GNU or PAX) from a stream of chunks, one
 * entry at a time, holding no more than a chunk of any entry's content.
 * The source is read to its end, or let go when the caller stops early.
 */
export async function* readTar(
  source: AsyncIterable<unknown>
): AsyncGenerator<TarEntry, void, undefined> {
  const reader = new ChunkReader(source)
  try {
    yield* readEntries(reader)
  } finally {
    await reader.close()
  }
}

/** Whether a block is a tar header: its checksum holds. */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < TAR_BLOCK_SIZE) return false
  const stored = parseOctal(block.subarray(148, 156))
  return stored !== undefined && checksumMatches(block, stored)
}

interface Overrides {
  path?: string
  linkPath?: string
  size?: number
}

async function* readEntries(reader: ChunkReader): AsyncGenerator<TarEntry> {
  let overrides: Overrides = {}
  for (;;) {
    const offset = reader.position
    const block = await reader.read(TAR_BLOCK_SIZE)
    if (block.length < TAR_BLOCK_SIZE) throw endedEarly(block, offset)
    if (isZeroBlock(block)) {
      // End of archive; what follows (a second zero block, padding to a
      // record size) carries nothing, but the source must still flow.
      await reader.drain()
      return
    }
    const raw = parseHeaderBlock(block, offset)
    if (raw.typeFlag === 'S') await skipSparseExtensions(reader, block)
    if (isMetadata(raw.typeFlag)) {
      const data = await readMetadata(reader, raw)
      overrides = applyMetadata(overrides, raw.typeFlag, data)
      continue
    }
    const header = completeHeader(raw, overrides)
    overrides = {}
    const body = new EntryBody(reader, header.name, header.size)
    yield { header, body }
    await body.finish()
  }
}

function endedEarly(block: Buffer, offset: number): TarFormatError {
  if (offset === 0 && block.length === 0) {
    return new TarFormatError('not a tar archive: the input is empty')
  }
  if (block.length === 0) {
    return new TarFormatError(
      `tar archive is truncated: it ends at byte ${offset} without an end-of-archive marker`
    )
  }
  return new TarFormatError(
    `tar archive is truncated: it ends inside a header at byte ${offset}`
  )
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false
  return true
}

/** A header as stored, before PAX or GNU long-name records apply. */
interface RawHeader {
  name: string
  linkName: string
  typeFlag: string
  size: number
}

function parseHeaderBlock(block: Buffer, offset: number): RawHeader {
  const stored = parseOctal(block.subarray(148, 156))
  if (stored === undefined || !checksumMatches(block, stored)) {
    throw new TarFormatError(
      `not a tar archive, or a corrupt one: bad header checksum at byte ${offset}`
    )
  }
  const typeFlag = block[156] === 0 ? '0' : String.fromCharCode(block[156])
  return {
    name: headerName(block),
    linkName: cString(block, 157, 257),
    typeFlag,
    size: parseSize(block.subarray(124, 136), offset)
  }
}

function headerName(block: Buffer): string {
  const name = cString(block, 0, 100)
  // Only POSIX ustar has a prefix; GNU keeps other fields in that space.
  const isPosixUstar = block.toString('latin1', 257, 263) === 'ustar\0'
  const prefix = isPosixUstar ? cString(block, 345, 500) : ''
  return prefix ? `${prefix}/${name}` : name
}

function checksumMatches(block: Buffer, stored: number): boolean {
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < TAR_BLOCK_SIZE; i++) {
    // The checksum field counts as eight spaces.
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  // Some old writers summed signed bytes.
  return stored === unsigned || stored === signed
}

function parseSize(field: Buffer, offset: number): number {
  // GNU base-256: the high bit of the first byte marks it, for sizes that
  // do not fit in eleven octal digits (8 GiB and more).
  if (field[0] & 0x80) return parseBase256(field, offset)
  const size = parseOctal(field)
  if (size === undefined) {
    throw new TarFormatError(`corrupt tar header at byte ${offset}: bad size`)
  }
  return size
}

function parseBase256(field: Buffer, offset: number): number {
  if (field[0] & 0x40) {
    throw new TarFormatError(
      `corrupt tar header at byte ${offset}: negative size`
    )
  }
  let value = field[0] & 0x3f
  for (let i = 1; i < field.length; i++) {
    value = value * 256 + field[i]
    if (value > Number.MAX_SAFE_INTEGER) {
      throw new TarFormatError(
        `tar header at byte ${offset}: size too large to handle`
      )
    }
  }
  return value
}

/** An octal field ends at a NUL or a space; undefined if malformed. */
function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('latin1').split('\0')[0].trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) return undefined
  return parseInt(text, 8)
}

function cString(block: Buffer, start: number, end: number): string {
  const nul = block.indexOf(0, start)
  return block.toString('utf8', start, nul >= 0 && nul < end ? nul : end)
}

/** Old GNU sparse headers may be followed by more sparse-map blocks. */
async function skipSparseExtensions(
  reader: ChunkReader,
  header: Buffer
): Promise<void> {
  let extended = header[482] !== 0
  while (extended) {
    const offset = reader.position
    const block = await reader.read(TAR_BLOCK_SIZE)
    if (block.length < TAR_BLOCK_SIZE) {
      throw new TarFormatError(
        `tar archive is truncated: it ends inside a sparse header at byte ${offset}`
      )
    }
    extended = block[504] !== 0
  }
}

function isMetadata(typeFlag: string): boolean {
  return (
    typeFlag === 'x' || typeFlag === 'g' || typeFlag === 'L' || typeFlag === 'K'
  )
}

async function readMetadata(
  reader: ChunkReader,
  raw: RawHeader
): Promise<Buffer> {
  const offset = reader.position
  if (raw.size > MAX_METADATA_SIZE) {
    throw new TarFormatError(
      `tar metadata record of ${raw.size} bytes at byte ${offset} is too large`
    )
  }
  const data = await reader.read(raw.size)
  if (data.length < raw.size) {
    throw new TarFormatError(
      `tar archive is truncated: it ends inside a metadata record at byte ${offset}`
    )
  }
  await skipPadding(reader, raw.size, 'metadata record')
  return data
}

function applyMetadata(
  overrides: Overrides,
  typeFlag: string,
  data: Buffer
): Overrides {
  switch (typeFlag) {
    case 'x':
      return { ...overrides, ...paxOverrides(parsePaxRecords(data)) }
    case 'L':
      return { ...overrides, path: cString(data, 0, data.length) }
    case 'K':
      return { ...overrides, linkPath: cString(data, 0, data.length) }
    default:
      // Global PAX headers ('g') set defaults nobody writes paths into.
      return overrides
  }
}

/** Records are "<length> <key>=<value>\n", the length counting it all. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>()
  let position = 0
  while (position < data.length && data[position] !== 0) {
    const space = data.indexOf(0x20, position)
    const digits = space < 0 ? '' : data.toString('latin1', position, space)
    if (!/^\d+$/.test(digits)) {
      throw new TarFormatError('corrupt PAX header: bad record length')
    }
    const end = position + Number(digits)
    if (end <= space || end > data.length || data[end - 1] !== 0x0a) {
      throw new TarFormatError('corrupt PAX header: record overruns')
    }
    const record = data.toString('utf8', space + 1, end - 1)
    const equals = record.indexOf('=')
    if (equals <= 0) throw new TarFormatError('corrupt PAX header: no key')
    records.set(record.slice(0, equals), record.slice(equals + 1))
    position = end
  }
  return records
}

function paxOverrides(records: Map<string, string>): Overrides {
  const overrides: Overrides = {}
  // GNU sparse 1.0 keeps the real name apart from a placeholder path.
  const path = records.get('GNU.sparse.name') || records.get('path')
  if (path) overrides.path = path
  const linkPath = records.get('linkpath')
  if (linkPath) overrides.linkPath = linkPath
  const size = records.get('size')
  if (size) {
    if (!/^\d+$/.test(size) || !Number.isSafeInteger(Number(size))) {
      throw new TarFormatError(`corrupt PAX header: bad size "${size}"`)
    }
    overrides.size = Number(size)
  }
  return overrides
}

function completeHeader(raw: RawHeader, overrides: Overrides): TarHeader {
  const headerOnly = HEADER_ONLY_TYPES.has(raw.typeFlag)
  return {
    name: overrides.path ?? raw.name,
    linkName: overrides.linkPath ?? raw.linkName,
    typeFlag: raw.typeFlag,
    type: ENTRY_TYPES[raw.typeFlag] ?? 'other',
    size: headerOnly ? 0 : (overrides.size ?? raw.size)
  }
}

async function skipPadding(
  reader: ChunkReader,
  size: number,
  what: string
): Promise<void> {
  const padding = (TAR_BLOCK_SIZE - (size % TAR_BLOCK_SIZE)) % TAR_BLOCK_SIZE
  if ((await reader.skip(padding)) < padding) {
    throw new TarFormatError(
      `tar archive is truncated: it ends in the padding after a ${what}`
    )
  }
}

/** One entry's content, read in place from the archive. */
class EntryBody implements AsyncIterable<Buffer> {
  private remaining: number
  private started = false
  private finished = false

  constructor(
    private readonly reader: ChunkReader,
    private readonly name: string,
    private readonly size: number
  ) {
    this.remaining = size
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.started) {
      throw new Error(`the content of "${this.name}" can be read only once`)
    }
    this.started = true
    while (this.remaining > 0 || this.finished) {
      // Checked before every read: past this point the reader has moved on.
      if (this.finished) {
        throw new Error(
          `the content of "${this.name}" was read after the next entry was requested`
        )
      }
      const chunk = await this.reader.readSome(this.remaining)
      if (!chunk) throw this.truncated()
      this.remaining -= chunk.length
      yield chunk
    }
  }

  /** Skips what the consumer left unread, then the padding. */
  async finish(): Promise<void> {
    this.finished = true
    const skipped = await this.reader.skip(this.remaining)
    this.remaining -= skipped
    if (this.remaining > 0) throw this.truncated()
    await skipPadding(this.reader, this.size, `"${this.name}"`)
  }

  private truncated(): TarFormatError {
    return new TarFormatError(
      `tar archive is truncated: "${this.name}" ends ${this.remaining} bytes short of its ${this.size}`
    )
  }
}
