/**
 * Memory for a buffer whose every byte is written before it is read. `new Uint8Array(n)` is
 * zero-filled through calloc, and for block-sized buffers that costs the kernel page faults on
 * every message: bench (a) spent 2.5 s of the receiver's main thread on them for 1 GiB, and a
 * microbenchmark writing 1 GiB of 128 KiB buffers took 2.7 s of system time against 0.3 s with
 * uninitialized memory. The result is a plain Uint8Array over its own ArrayBuffer at offset 0
 * (not a Buffer: Buffer.slice does not copy, and DataView(out.buffer) must start at 0).
 */
export function uninitialized(n: number): Uint8Array {
  return n >= 4096 ? new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n) : new Uint8Array(n);
}
