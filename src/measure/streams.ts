/** Small helpers over async streams of Buffers. */

export interface Peeked {
  /** Up to `length` bytes from the start; fewer only if the stream is shorter. */
  head: Buffer
  /** The whole stream, those first bytes included. */
  chunks: AsyncIterable<Buffer>
}

/** Reads the first bytes of a stream without losing them. */
export async function peek(
  source: AsyncIterable<Buffer>,
  length: number
): Promise<Peeked> {
  const iterator = source[Symbol.asyncIterator]()
  const taken: Buffer[] = []
  let have = 0
  let ended = false
  while (have < length) {
    const next = await iterator.next()
    if (next.done) {
      ended = true
      break
    }
    taken.push(next.value)
    have += next.value.length
  }
  const head = Buffer.concat(taken, have).subarray(0, length)
  return { head, chunks: replay(taken, ended ? undefined : iterator) }
}

async function* replay(
  taken: Buffer[],
  rest: AsyncIterator<Buffer> | undefined
): AsyncGenerator<Buffer> {
  try {
    yield* taken
    if (!rest) return
    for (;;) {
      const next = await rest.next()
      if (next.done) return
      yield next.value
    }
  } finally {
    await rest?.return?.()
  }
}

/** Remembers whether the stream feeding a pass-through failed. */
export interface UpstreamState {
  error?: unknown
  failed: boolean
}

/**
 * Yields the source's chunks after showing each to `see` (awaited, so a
 * slow observer slows the stream). Failures of the source itself are
 * recorded in `state`, to tell them apart from a consumer's complaints
 * about what it read.
 */
export async function* passThrough(
  source: AsyncIterable<Buffer>,
  see: (chunk: Buffer) => void | Promise<void>,
  state: UpstreamState = { failed: false }
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]()
  try {
    for (;;) {
      let next: IteratorResult<Buffer>
      try {
        next = await iterator.next()
      } catch (error) {
        state.failed = true
        state.error = error
        throw error
      }
      if (next.done) return
      await see(next.value)
      yield next.value
    }
  } finally {
    if (!state.failed) await iterator.return?.()
  }
}
