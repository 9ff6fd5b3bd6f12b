/**
 * An image config's `history` lists every instruction of every build that
 * made the image, oldest first; those without `empty_layer` made the
 * layers of `rootfs.diff_ids`, one each and in the same order. That ties
 * each layer to its instruction exactly, on every image store.
 */
export function layerInstructions(
  config: unknown,
  layerCount: number
): (string | undefined)[] {
  const history = field(config, 'history')
  const unknown = Array.from({ length: layerCount }, () => undefined)
  if (!Array.isArray(history)) return unknown
  const makers = history.filter(entry => field(entry, 'empty_layer') !== true)
  // Anything but one entry per layer cannot be paired without guessing.
  if (makers.length !== layerCount) return unknown
  return makers.map(describeEntry)
}

function describeEntry(entry: unknown): string | undefined {
  const createdBy = field(entry, 'created_by')
  if (typeof createdBy === 'string' && createdBy.trim()) return createdBy
  // `docker import` leaves only a comment ("Imported from -").
  const comment = field(entry, 'comment')
  return typeof comment === 'string' && comment.trim() ? comment : undefined
}

export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined
}
