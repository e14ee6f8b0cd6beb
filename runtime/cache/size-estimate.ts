// Estimates the heap bytes a cached value holds, from V8's object layout on 64-bit Node, erring on the high side.
//
// Why these figures (V8 on x64 without pointer compression, as Node ships):
// - a string is a 16-byte header (map, hash, length) plus its characters; one byte each for Latin-1 text, two for the
//   rest. We count two per character and 8 bytes of alignment, so no flat string is under-counted;
// - a plain object is a 24-byte header (map, properties, elements) and one 8-byte slot per property; a property that
//   spills out of the object costs a slot in a separate array, so we count 16 per property;
// - an array is a 32-byte header plus an 8-byte slot per element; a number that is not a small integer is a 16-byte
//   HeapNumber; `null`, booleans and `undefined` are shared and cost only their slot;
// - a Map or Set is a hash table of about 3 slots per entry plus buckets and slack: we count 48 per entry and 96 fixed.
// A value reached twice within one estimate is counted once; one shared with other structures (a route's config) is
// still counted, which over-counts. Dictionary-mode objects (many deleted keys) can exceed 16 per property; cached
// values here are built once and never have keys deleted. bench/cache-memory.ts compares estimates with heapUsed.

/** What one entry costs a TtlLruCache beyond its key and value: its Map slot, its record and its expiry number. */
export const ENTRY_OVERHEAD_BYTES = 128;

const STRING_HEADER = 16;
const OBJECT_HEADER = 24;
const PROPERTY = 16;
const ARRAY_HEADER = 32;
const SLOT = 8;
const HEAP_NUMBER = 16;
const COLLECTION_HEADER = 96;
const COLLECTION_ENTRY = 48;

/** The bytes a string holds, counted as two-byte characters. */
export function stringBytes(text: string): number {
  return STRING_HEADER + 2 * text.length + SLOT;
}

/** An upper-bound estimate of the heap bytes `value` and everything it reaches hold (see the file comment). */
export function estimateBytes(value: unknown): number {
  return estimate(value, new Set());
}

function estimate(value: unknown, seen: Set<object>): number {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 2 ** 30 ? 0 : HEAP_NUMBER;
    case 'bigint':
      return HEAP_NUMBER + SLOT * Math.ceil(value.toString(16).length / 16);
    case 'object':
      break;
    default:
      // undefined, booleans, symbols and functions are shared: the slot that holds them is counted by their holder.
      return 0;
  }
  if (value === null || seen.has(value)) return 0;
  seen.add(value);
  if (Array.isArray(value)) {
    let bytes = ARRAY_HEADER + SLOT * value.length;
    for (const item of value) bytes += estimate(item, seen);
    return bytes;
  }
  if (value instanceof Map) {
    let bytes = COLLECTION_HEADER + COLLECTION_ENTRY * value.size;
    for (const [key, item] of value) bytes += estimate(key, seen) + estimate(item, seen);
    return bytes;
  }
  if (value instanceof Set) {
    let bytes = COLLECTION_HEADER + COLLECTION_ENTRY * value.size;
    for (const item of value) bytes += estimate(item, seen);
    return bytes;
  }
  let bytes = OBJECT_HEADER;
  for (const key of Object.keys(value)) {
    // Property names are internalized strings, shared by every object of the same shape: only the slot is counted.
    bytes += PROPERTY + estimate((value as Record<string, unknown>)[key], seen);
  }
  return bytes;
}
