// Preparsed policy-set slices in an LRU bounded in entries and in bytes, whose cedar-wasm registry ids are reused.
import { preparsePolicySet } from '@cedar-policy/cedar-wasm/nodejs';

/** Slices kept preparsed at once: a Lambda meets a few hundred principals × actions between two cold starts. */
export const SLICE_CACHE_ENTRIES = 256;
/** The policy text those slices may hold in all: cedar-wasm's parsed form is a small multiple of it. */
export const SLICE_CACHE_BYTES = 4 * 2 ** 20;

export interface SliceCacheBounds {
  readonly entries: number;
  readonly bytes: number;
}

interface Entry {
  readonly id: string;
  readonly bytes: number;
}

/**
 * cedar-wasm's registry is process-wide and has no removal. An evicted slice's id is overwritten with an empty set
 * (so its memory is freed at once) and handed to the next slice, so the registry holds at most `entries + 1` ids
 * however many distinct slices the process meets. The newest slice is always kept, even when it alone is over `bytes`.
 */
export class SliceCache {
  /** Slice key → entry, least recently used first (Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  private readonly freeIds: string[] = [];
  private nextId = 0;
  private totalBytes = 0;

  constructor(
    private readonly baseId: string,
    private readonly bounds: SliceCacheBounds = { entries: SLICE_CACHE_ENTRIES, bytes: SLICE_CACHE_BYTES },
  ) {}

  /**
   * The registry id of the slice with this key; `build` preparses it into the id it is given on a miss. `textBytes`
   * estimates what the slice costs in cedar-wasm; the key, held here, is counted on top of it.
   */
  idFor(key: string, textBytes: number, build: (id: string) => void): string {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.id;
    }
    const id = this.freeIds.pop() ?? `${this.baseId}~${this.nextId++}`;
    try {
      build(id);
    } catch (error) {
      this.freeIds.push(id);
      throw error;
    }
    const bytes = textBytes + key.length;
    this.entries.set(key, { id, bytes });
    this.totalBytes += bytes;
    this.evictBeyondBounds();
    return id;
  }

  /** Slices held. */
  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes they hold: their policy text and their keys. */
  get bytes(): number {
    return this.totalBytes;
  }

  private evictBeyondBounds(): void {
    while (this.entries.size > 1 && (this.entries.size > this.bounds.entries || this.totalBytes > this.bounds.bytes)) {
      const oldest = this.entries.entries().next();
      if (oldest.done) return;
      const [key, entry] = oldest.value;
      this.entries.delete(key);
      this.totalBytes -= entry.bytes;
      preparsePolicySet(entry.id, {});
      this.freeIds.push(entry.id);
    }
  }
}
