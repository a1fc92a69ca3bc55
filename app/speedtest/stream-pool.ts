// The client's data connections, spread over worker threads (a thread per direction of a stream
// on small tests; at most one per core otherwise). The main thread orders the connects, one after
// the other, because the server assigns roles by accept order.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { StreamSlot } from "./plan.js";
import type { FromWorker, ToWorker } from "./worker-messages.js";

export interface ConnectTarget {
  host: string;
  port: number;
  localAddress: string | null;
  cookie: Buffer;
  blockLen: number;
  timeoutMs: number;
}

export class DataConnectError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "DataConnectError";
  }
}

export interface ConnectedStream {
  slot: StreamSlot;
  localAddress: string;
  localPort: number;
}

const WORKER_URL = new URL("./stream-worker.js", import.meta.url);

export function workerCount(slots: number): number {
  return Math.max(1, Math.min(slots, Math.max(2, availableParallelism())));
}

export class StreamPool {
  private readonly counts: BigInt64Array;
  private readonly waiting = new Map<Worker, ((m: FromWorker) => boolean)[]>();
  /** Slots whose peer closed or failed (the server ended the test early). */
  readonly ended = new Set<number>();
  private onEnded: (() => void) | null = null;

  private constructor(
    readonly slots: StreamSlot[],
    private readonly workers: Worker[],
    counters: SharedArrayBuffer,
  ) {
    this.counts = new BigInt64Array(counters);
    for (const w of workers) {
      this.waiting.set(w, []);
      w.on("message", (m: FromWorker) => {
        if (m.t === "eof" || m.t === "stream-error") {
          this.ended.add(m.slot);
          this.onEnded?.();
        }
        const list = this.waiting.get(w) ?? [];
        const i = list.findIndex((f) => f(m));
        if (i >= 0) list.splice(i, 1);
      });
      w.on("error", () => undefined);
    }
  }

  static async create(slots: StreamSlot[]): Promise<StreamPool> {
    const counters = new SharedArrayBuffer(8 * Math.max(1, slots.length));
    const n = workerCount(slots.length);
    const workers = Array.from({ length: n }, () => new Worker(WORKER_URL, { workerData: { counters } }));
    await Promise.all(workers.map((w) => new Promise((r) => w.once("online", r))));
    return new StreamPool(slots, workers, counters);
  }

  private workerFor(slot: number): Worker {
    return this.workers[slot % this.workers.length] as Worker;
  }

  private expect<T extends FromWorker>(
    w: Worker,
    match: (m: FromWorker) => m is T,
    timeoutMs: number,
  ): Promise<T | null> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(null), timeoutMs);
      this.waiting.get(w)?.push((m) => {
        if (!match(m)) return false;
        clearTimeout(t);
        resolve(m);
        return true;
      });
    });
  }

  /** Connects every stream in order; each waits for the previous one's cookie to be written. */
  async connectAll(target: ConnectTarget): Promise<ConnectedStream[]> {
    const out: ConnectedStream[] = [];
    for (const slot of this.slots) {
      const w = this.workerFor(slot.slot);
      const reply = this.expect(
        w,
        (m): m is Extract<FromWorker, { t: "connected" | "connect-error" }> =>
          (m.t === "connected" || m.t === "connect-error") && m.slot === slot.slot,
        target.timeoutMs + 1000,
      );
      const msg: ToWorker = {
        t: "connect",
        slot: slot.slot,
        role: slot.clientRole,
        host: target.host,
        port: target.port,
        localAddress: target.localAddress,
        cookie: new Uint8Array(target.cookie),
        blockLen: target.blockLen,
        timeoutMs: target.timeoutMs,
      };
      w.postMessage(msg);
      const r = await reply;
      if (!r) throw new DataConnectError("ETIMEDOUT", `data connection ${slot.id} timed out`);
      if (r.t === "connect-error") throw new DataConnectError(r.code, r.message);
      out.push({ slot, localAddress: r.localAddress, localPort: r.localPort });
    }
    return out;
  }

  start(): void {
    for (const w of this.workers) w.postMessage({ t: "start" } satisfies ToWorker);
  }

  /** Stops all senders; resolves when their queued writes are counted. */
  async stopSenders(): Promise<void> {
    await Promise.all(
      this.workers.map((w) => {
        const r = this.expect(
          w,
          (m): m is Extract<FromWorker, { t: "send-stopped" }> => m.t === "send-stopped",
          3000,
        );
        w.postMessage({ t: "stop-send" } satisfies ToWorker);
        return r;
      }),
    );
  }

  /** Bytes moved so far per slot (sent or received, by role). */
  read(): number[] {
    return this.slots.map((s) => Number(Atomics.load(this.counts, s.slot)));
  }

  /** Calls back when any stream's peer closes or fails. */
  whenAnyEnded(cb: () => void): void {
    this.onEnded = cb;
    if (this.ended.size > 0) cb();
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        const r = this.expect(w, (m): m is Extract<FromWorker, { t: "closed" }> => m.t === "closed", 2000);
        w.postMessage({ t: "close" } satisfies ToWorker);
        await r;
        await w.terminate();
      }),
    );
  }
}
