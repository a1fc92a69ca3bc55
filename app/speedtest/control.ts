// The control connection as an async message reader/writer over a socket, built on the pure
// decoders in protocol/framing.ts. Every read has a deadline; EOF and socket errors become
// ControlClosed so callers can tell "the peer went away" from "the peer said something wrong".
import type { Socket } from "node:net";
import {
  ByteQueue,
  decodeCookie,
  decodeJson,
  decodeServerErrorTail,
  decodeState,
  encodeJson,
  encodeState,
  NEED_MORE,
  type NeedMore,
} from "./protocol/framing.js";

export class ControlClosed extends Error {
  constructor(readonly failure?: NodeJS.ErrnoException) {
    super(
      failure ? `control connection failed: ${failure.code ?? failure.message}` : "control connection closed",
    );
    this.name = "ControlClosed";
  }
}

export class ControlTimeout extends Error {
  constructor(readonly waitingFor: string) {
    super(`timed out waiting for ${waitingFor}`);
    this.name = "ControlTimeout";
  }
}

export class ControlChannel {
  private readonly q = new ByteQueue();
  private eof = false;
  private failure: NodeJS.ErrnoException | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: Socket) {
    socket.on("data", (b: Buffer) => {
      this.q.push(b);
      this.poke();
    });
    socket.on("end", () => {
      this.eof = true;
      this.poke();
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      this.failure = e;
      this.eof = true;
      this.poke();
    });
    socket.on("close", () => {
      this.eof = true;
      this.poke();
    });
  }

  get closed(): boolean {
    return this.eof && this.q.length === 0;
  }

  private poke(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Runs decode until it yields a value; waits for bytes in between. */
  private async next<T>(
    what: string,
    timeoutMs: number,
    decode: (q: ByteQueue, eof: boolean) => T | NeedMore,
    signal?: AbortSignal,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = decode(this.q, this.eof);
      if (v !== NEED_MORE) return v;
      if (this.eof) throw new ControlClosed(this.failure);
      if (signal?.aborted) throw signal.reason;
      const left = deadline - Date.now();
      if (left <= 0) throw new ControlTimeout(what);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        const onAbort = () => done();
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiters.add(done);
        const waiters = this.waiters;
        function done() {
          clearTimeout(t);
          waiters.delete(done);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }
      });
    }
  }

  readState(timeoutMs: number, what = "a state byte", signal?: AbortSignal): Promise<number> {
    return this.next(what, timeoutMs, (q) => decodeState(q), signal);
  }

  readJson(maxLen: number, timeoutMs: number, what = "a JSON block"): Promise<unknown> {
    return this.next(what, timeoutMs, (q) => decodeJson(q, maxLen));
  }

  readCookie(size: number, timeoutMs: number): Promise<Buffer> {
    return this.next("the cookie", timeoutMs, (q) => decodeCookie(q, size));
  }

  /** After SERVER_ERROR: up to 8 bytes, whatever arrived before EOF (old servers send less). */
  readErrorTail(timeoutMs: number): Promise<{ ierrno: number | null; errno: number | null }> {
    return this.next("the error code", timeoutMs, (q, eof) => decodeServerErrorTail(q, eof)).catch(() => ({
      ierrno: null,
      errno: null,
    }));
  }

  /** Resolves once the bytes are handed to the kernel (or the socket failed). */
  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new ControlClosed(this.failure));
      this.socket.write(bytes, (e) => (e ? reject(new ControlClosed(e)) : resolve()));
    });
  }

  writeState(value: number): Promise<void> {
    return this.write(encodeState(value));
  }

  writeJson(value: unknown): Promise<void> {
    return this.write(encodeJson(value));
  }

  /** Up to n bytes already received, as latin1 text, waiting briefly for more (error messages). */
  async peekText(n: number, waitMs = 200): Promise<string> {
    if (this.q.length < n && !this.eof) await new Promise((r) => setTimeout(r, waitMs));
    const all = this.q.drain();
    return all.subarray(0, n).toString("latin1");
  }

  /** Whether a byte is already waiting (non-blocking peek for states during a test). */
  hasData(): boolean {
    return this.q.length > 0 || this.eof;
  }

  /** Resolves when bytes or EOF arrive, without consuming them (watching during a test). */
  waitReadable(signal?: AbortSignal): Promise<void> {
    if (this.hasData() || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
