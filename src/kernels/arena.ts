// The memory the WebAssembly kernels work in, and a small allocator that hands out Float32Array views on it.
//
// One WebAssembly.Memory, shared: growing it never detaches a view made before (a new, longer
// SharedArrayBuffer object appears; the old one keeps its length and stays valid), and worker threads
// see the same bytes. Layers allocate their weights and workspaces here when the wasm backend is on, so
// the kernels read and write them in place; any other array is copied in and out around a call (wasm.ts).
//
// Blocks are 64-byte aligned, first fit from a sorted free list, coalesced on free. A block is freed when
// its view is garbage-collected (FinalizationRegistry) or by freeView. Views made with subarray() share
// the block but do not keep it alive: whoever allocated a block keeps the view it got for as long as the
// memory is used (layers do: their workspaces live as long as they do).

const PAGE = 65536;
const ALIGN = 64;
/** Bytes kept unallocated at the top of memory: kernels may read up to 28 bytes past an array's end. */
const SLACK = 256;

let memory: WebAssembly.Memory | null = null;
/** Every SharedArrayBuffer object `memory.buffer` has been (one per size): a view is in the arena iff its buffer is one. */
const buffers = new WeakSet<ArrayBufferLike>();
let current: ArrayBufferLike | null = null;
/** Free blocks [start, size] sorted by start, over [base, end). */
const free: [number, number][] = [];
const used = new Map<number, number>(); // start → size of live blocks
let base = 0;
let end = 0;
let bytesInUse = 0;
let peakBytes = 0;
/** Everything at or above this address has never been handed out, so it is still zero (fresh pages). */
let fresh = 0;
/** Whether the block allocBytes returned last came from never-used (zero) memory. */
let lastWasFresh = false;

const registry: FinalizationRegistry<number> | null =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((start) => release(start)) : null;

/**
 * Creates the shared memory (once). heapBase: where the module's static data ends; the arena starts above it.
 * Returns null where shared WebAssembly memory cannot be made (a browser page that is not cross-origin isolated).
 */
export function createArena(heapBase: number): WebAssembly.Memory | null {
  if (memory) return memory;
  const initial = 64; // 4 MiB, grown on demand
  for (const maximum of [65536, 32768, 16384, 4096]) {
    try {
      memory = new WebAssembly.Memory({ initial, maximum, shared: true } as WebAssembly.MemoryDescriptor);
      break;
    } catch {
      memory = null;
    }
  }
  if (!memory) return null;
  base = Math.ceil(Math.max(heapBase, 4096) / ALIGN) * ALIGN + ALIGN;
  fresh = base;
  end = memory.buffer.byteLength - SLACK;
  free.push([base, end - base]);
  refreshBuffer();
  return memory;
}

export function arenaMemory(): WebAssembly.Memory | null {
  return memory;
}

function refreshBuffer(): ArrayBufferLike {
  const b = memory!.buffer;
  if (b !== current) {
    current = b;
    buffers.add(b);
  }
  return b;
}

/** The arena's current buffer (longer after each growth). */
export function arenaBuffer(): ArrayBufferLike {
  return refreshBuffer();
}

/** Whether a view lies in the arena (then its byteOffset is its address for the kernels). */
export function inArena(v: ArrayBufferView): boolean {
  return memory !== null && buffers.has(v.buffer);
}

function grow(minBytes: number): void {
  const have = memory!.buffer.byteLength;
  // at least double while small, then grow by a quarter: few growths, bounded waste
  const want = Math.max(minBytes + SLACK, have < 256 * 2 ** 20 ? have : have / 4);
  const pages = Math.ceil(want / PAGE);
  memory!.grow(pages); // throws RangeError past the maximum
  const newEnd = memory!.buffer.byteLength - SLACK;
  const last = free[free.length - 1];
  if (last && last[0] + last[1] === end) last[1] += newEnd - end;
  else free.push([end, newEnd - end]);
  end = newEnd;
  refreshBuffer();
}

/** Start address of a block of at least `bytes` bytes (not zeroed). */
export function allocBytes(bytes: number): number {
  if (!memory && !createArena(0)) throw new Error('shared WebAssembly memory is unavailable here');
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  for (;;) {
    for (let i = 0; i < free.length; i++) {
      const f = free[i];
      if (f[1] < size) continue;
      const start = f[0];
      if (f[1] === size) free.splice(i, 1);
      else {
        f[0] += size;
        f[1] -= size;
      }
      used.set(start, size);
      lastWasFresh = start >= fresh;
      if (start + size > fresh) fresh = start + size;
      bytesInUse += size;
      if (bytesInUse > peakBytes) peakBytes = bytesInUse;
      return start;
    }
    grow(size);
  }
}

/** Returns a block to the free list, merging it with its neighbours. */
export function release(start: number): void {
  const size = used.get(start);
  if (size === undefined) return;
  used.delete(start);
  bytesInUse -= size;
  // binary search for the insertion point
  let lo = 0, hi = free.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (free[mid][0] < start) lo = mid + 1;
    else hi = mid;
  }
  const prev = lo > 0 ? free[lo - 1] : null;
  const next = lo < free.length ? free[lo] : null;
  if (prev && prev[0] + prev[1] === start) {
    prev[1] += size;
    if (next && prev[0] + prev[1] === next[0]) {
      prev[1] += next[1];
      free.splice(lo, 1);
    }
  } else if (next && start + size === next[0]) {
    next[0] = start;
    next[1] += size;
  } else {
    free.splice(lo, 0, [start, size]);
  }
}

/** A zero-filled Float32Array of n values in the arena, freed when the view is garbage-collected. */
export function arenaFloat32(n: number, zero = true): Float32Array {
  if (n === 0) return new Float32Array(0);
  const start = allocBytes(n * 4);
  const v = new Float32Array(refreshBuffer(), start, n);
  if (zero && !lastWasFresh) v.fill(0); // fresh memory is zero already (and stays untouched until used)
  registry?.register(v, start, v);
  return v;
}

/** A zero-filled Uint8Array of n bytes in the arena (masks), freed when the view is garbage-collected. */
export function arenaUint8(n: number): Uint8Array {
  if (n === 0) return new Uint8Array(0);
  const start = allocBytes(n);
  const v = new Uint8Array(refreshBuffer(), start, n);
  if (!lastWasFresh) v.fill(0);
  registry?.register(v, start, v);
  return v;
}

/** Frees an arena view now (it must be the view arenaFloat32 returned, not a subarray of it). */
export function freeView(v: Float32Array): void {
  if (!inArena(v) || !used.has(v.byteOffset)) return;
  registry?.unregister(v);
  release(v.byteOffset);
}

/** Bytes in live blocks now and at most so far, and the memory's size: for checking that training memory stays flat. */
export function arenaStats(): { inUse: number; peak: number; memoryBytes: number; blocks: number } {
  return { inUse: bytesInUse, peak: peakBytes, memoryBytes: memory ? memory.buffer.byteLength : 0, blocks: used.size };
}
