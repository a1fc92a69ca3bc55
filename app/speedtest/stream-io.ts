// The data path. Sending: one block (-l) filled once, written over and over, one write per
// block as iperf3 does, with backpressure (write() false -> wait for 'drain'), counting bytes when the kernel took them
// (write callback). Receiving: net's `onread` with one reused buffer and a callback that only
// counts, because 'data' events allocate a Buffer per read and cap receive at 9-16 Gbit/s.
import net, { type Socket } from "node:net";
import { randomFillSync } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pace, type SendBudget } from "./pacing.js";

/** Bytes written back to back before yielding to the event loop (in whole blocks, at most MAX_RUN writes). */
const YIELD_BYTES = 4 * 1024 * 1024;
const MAX_RUN = 1024;
/**
 * Reused receive buffer size. Measured on loopback against iperf3 -R: 128 KiB reads ran about
 * twice as fast as 1 MiB reads (the buffer stays in cache; the window opens sooner).
 */
export const READ_BUFFER = 128 * 1024;

/**
 * One block, written once per write() as iperf3 does (-l, default 128 KiB): random bytes like
 * iperf3's default, or with `repeating` (--repeating-payload) the digits 0-9 over and over.
 */
export function makePayload(blockLen: number, repeating = false): Buffer {
  const b = Buffer.allocUnsafe(blockLen);
  if (!repeating) return randomFillSync(b);
  for (let i = 0; i < b.length; i++) b[i] = 0x30 + (i % 10);
  return b;
}

/** Limits a sender obeys: a shared block budget (-n/-k) and a per-stream rate (-b/--fq-rate). */
export interface SendOptions {
  /** bit/s, 0 for as fast as possible. */
  rateBps: number;
  /** Blocks written back to back per paced burst (-b RATE/BURST), 1 without. */
  burst: number;
  budget: SendBudget | null;
}

export interface Sender {
  /** Stops writing; resolves when writes already queued finished (or after maxWaitMs). */
  stop(maxWaitMs?: number): Promise<void>;
  /** performance.now() of the last write the kernel took (0 before the first). */
  readonly lastWriteAt: number;
}

/** Writes the one-block `payload` over and over until stopped; onBytes gets each completed write's size. */
export function startSender(
  socket: Socket,
  payload: Buffer,
  onBytes: (n: number) => void,
  opts?: SendOptions,
): Sender {
  const blockLen = payload.length;
  const run = Math.max(1, Math.min(MAX_RUN, Math.floor(YIELD_BYTES / blockLen)));
  const rate = opts?.rateBps ?? 0;
  const burst = opts?.burst ?? 1;
  const budget = opts?.budget ?? null;
  const t0 = performance.now();
  let written = 0;
  /** Blocks the pacer let through and not yet written. */
  let credit = 0;
  let stopped = false;
  let inflight = 0;
  let settle: (() => void) | null = null;
  let paceTimer: NodeJS.Timeout | undefined;
  let lastWriteAt = 0;
  const done = (err?: Error | null) => {
    inflight--;
    if (!err) {
      onBytes(blockLen); // taken by the kernel: counted, as iperf3 counts write()
      lastWriteAt = performance.now();
    }
    if (stopped && inflight === 0) settle?.();
  };
  // When the kernel takes blocks synchronously, write() keeps returning true: yield to the event
  // loop every few MiB so control messages and timers still run.
  const pump = () => {
    paceTimer = undefined;
    for (let i = 0; i < run && !stopped && !socket.destroyed; i++) {
      if (rate > 0 && credit === 0) {
        const d = pace(performance.now() - t0, written, rate, blockLen, run);
        if ("waitMs" in d) {
          paceTimer = setTimeout(pump, Math.max(1, d.waitMs));
          return;
        }
        credit = burst > 1 ? burst : d.send;
      }
      if (budget && budget.take(1) === 0) return; // -n/-k reached: wait for TEST_END, as iperf3 does
      if (credit > 0) credit--;
      written += blockLen;
      inflight++;
      if (!socket.write(payload, done)) {
        socket.once("drain", pump);
        return;
      }
    }
    if (!stopped && !socket.destroyed) setImmediate(pump);
  };
  pump();
  return {
    get lastWriteAt() {
      return lastWriteAt;
    },
    stop(maxWaitMs = 1000) {
      stopped = true;
      clearTimeout(paceTimer);
      socket.removeListener("drain", pump);
      if (inflight === 0 || socket.destroyed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const t = setTimeout(resolve, maxWaitMs);
        settle = () => {
          clearTimeout(t);
          resolve();
        };
      });
    },
  };
}

/** `onread` options counting into onBytes with one reused buffer. */
export function countingOnread(
  buffer: Buffer,
  onBytes: (n: number) => void,
): { buffer: Buffer; callback: (n: number, buf: Buffer) => boolean } {
  return {
    buffer,
    callback: (n: number) => {
      onBytes(n);
      return true;
    },
  };
}

type Onread = { buffer: Buffer; callback: (n: number, buf: Buffer) => boolean };

/**
 * Whether the accepted socket's handle can be moved into a new Socket: the private `_handle` is
 * there and looks like a libuv stream handle. True on Node 20, 22 and 24 (and Electron's Node);
 * checked per socket so a Node that renames it falls back instead of breaking.
 */
export function canMoveHandle(accepted: Socket): boolean {
  const h = (accepted as unknown as { _handle?: unknown })._handle;
  return (
    typeof h === "object" && h !== null && typeof (h as { readStart?: unknown }).readStart === "function"
  );
}

/**
 * Server side: sockets from net.Server cannot take `onread`, so the accepted (paused) socket's
 * handle is moved into a new Socket that has it (the undocumented `handle` option and the private
 * `_handle`). Without that (`moveHandle` false), the fallback reads 'data' events and hands the
 * bytes to the same callback through the same buffer: slower, but correct.
 */
export function adoptWithOnread(
  accepted: Socket,
  onread: Onread,
  moveHandle = canMoveHandle(accepted),
): Socket {
  if (moveHandle) {
    const holder = accepted as unknown as { _handle: unknown };
    const handle = holder._handle;
    holder._handle = null;
    accepted.destroy();
    return new net.Socket({ handle, onread } as net.SocketConstructorOpts);
  }
  accepted.on("data", (b: Buffer) => {
    for (let off = 0; off < b.length; off += onread.buffer.length) {
      const n = b.copy(onread.buffer, 0, off, Math.min(b.length, off + onread.buffer.length));
      onread.callback(n, onread.buffer);
    }
  });
  accepted.resume();
  return accepted;
}
