const NO_BYTES = Buffer.alloc(0)

/**
 * Hands out bytes from an async stream of chunks in the amounts a parser
 * asks for. Holds at most one source chunk beyond what was asked, so that
 * reading a large entry never buffers it.
 */
export class ChunkReader {
  private readonly chunks: AsyncIterator<unknown>
  private leftover: Buffer = NO_BYTES
  private exhausted = false
  /** Bytes handed out or skipped so far; used to place errors. */
  position = 0

  constructor(source: AsyncIterable<unknown>) {
    this.chunks = source[Symbol.asyncIterator]()
  }

  /** Exactly `length` bytes, or fewer only when the source ends first. */
  async read(length: number): Promise<Buffer> {
    const parts: Buffer[] = []
    let have = 0
    while (have < length) {
      const piece = await this.readSome(length - have)
      if (!piece) break
      parts.push(piece)
      have += piece.length
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, have)
  }

  /**
   * The next bytes as they arrive, at most `limit` of them and never more
   * than one source chunk; undefined once the source has ended.
   */
  async readSome(limit: number): Promise<Buffer | undefined> {
    if (limit <= 0) return NO_BYTES
    let chunk = this.leftover.length > 0 ? this.leftover : await this.pull()
    if (!chunk) return undefined
    this.leftover = chunk.length > limit ? chunk.subarray(limit) : NO_BYTES
    if (chunk.length > limit) chunk = chunk.subarray(0, limit)
    this.position += chunk.length
    return chunk
  }

  /** Discards `length` bytes; returns how many there were. */
  async skip(length: number): Promise<number> {
    let skipped = 0
    while (skipped < length) {
      const piece = await this.readSome(length - skipped)
      if (!piece) break
      skipped += piece.length
    }
    return skipped
  }

  /** Reads the source to its end, discarding everything. */
  async drain(): Promise<void> {
    while (await this.readSome(Number.MAX_SAFE_INTEGER));
  }

  /** Lets the source go, e.g. destroys a Readable we stopped reading. */
  async close(): Promise<void> {
    this.leftover = NO_BYTES
    if (!this.exhausted) {
      this.exhausted = true
      await this.chunks.return?.()
    }
  }

  private async pull(): Promise<Buffer | undefined> {
    while (!this.exhausted) {
      const next = await this.chunks.next()
      if (next.done) {
        this.exhausted = true
        return undefined
      }
      const chunk = asBuffer(next.value)
      if (chunk.length > 0) return chunk
    }
    return undefined
  }
}

function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  }
  // A Readable with an encoding set yields strings: decoding bytes as text
  // would already have corrupted them.
  throw new TypeError('a tar archive must be read as bytes, not as text')
}
