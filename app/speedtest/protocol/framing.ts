// Pure incremental decoding of iperf3's control stream: a 37-byte cookie, single state bytes and
// u32-BE-length-prefixed JSON, with no other framing. Bytes arrive in arbitrary segments, so the
// decoder buffers and answers "need more" until a whole message is there. Bad input only ever
// produces a FramingError.

export class FramingError extends Error {
  constructor(
    readonly code: "too-large" | "bad-json" | "bad-utf8",
    message: string,
  ) {
    super(message);
    this.name = "FramingError";
  }
}

/** Marker for "not enough bytes yet". */
export const NEED_MORE: unique symbol = Symbol("need-more");
export type NeedMore = typeof NEED_MORE;

/** A FIFO of received bytes; `take` copies only what it returns. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Removes and returns exactly n bytes, or NEED_MORE. */
  take(n: number): Buffer | NeedMore {
    if (n > this.size) return NEED_MORE;
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0] as Buffer;
      const want = n - filled;
      if (head.length <= want) {
        head.copy(out, filled);
        filled += head.length;
        this.chunks.shift();
      } else {
        head.copy(out, filled, 0, want);
        this.chunks[0] = head.subarray(want);
        filled += want;
      }
    }
    this.size -= n;
    return out;
  }

  /** Looks at byte i without removing it. */
  peek(i: number): number | undefined {
    let off = i;
    for (const c of this.chunks) {
      if (off < c.length) return c[off];
      off -= c.length;
    }
    return undefined;
  }

  /** Removes everything (e.g. the SERVER_ERROR tail when the peer closed early). */
  drain(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    return all;
  }
}

/** One signed state byte. */
export function decodeState(q: ByteQueue): number | NeedMore {
  const b = q.take(1);
  if (b === NEED_MORE) return b;
  const v = b[0] as number;
  return v > 127 ? v - 256 : v;
}

/** The 37-byte cookie (opaque bytes: 3.1.x clients use a different alphabet). */
export function decodeCookie(q: ByteQueue, size: number): Buffer | NeedMore {
  return q.take(size);
}

/**
 * A length-prefixed JSON block. The length is validated before the body arrives, so a hostile
 * 4 GiB length fails at once instead of buffering.
 */
export function decodeJson(q: ByteQueue, maxLen: number): unknown | NeedMore {
  if (q.length < 4) return NEED_MORE;
  const len =
    (((q.peek(0) as number) << 24) >>> 0) +
    ((q.peek(1) as number) << 16) +
    ((q.peek(2) as number) << 8) +
    (q.peek(3) as number);
  if (len > maxLen) throw new FramingError("too-large", `JSON block of ${len} bytes exceeds ${maxLen}`);
  if (q.length < 4 + len) return NEED_MORE;
  q.take(4);
  const body = q.take(len) as Buffer;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new FramingError("bad-utf8", "JSON block is not valid UTF-8");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FramingError("bad-json", `JSON block does not parse (${len} bytes)`);
  }
}

/** Encodes a JSON block as iperf3 writes it: u32 BE length, compact JSON, no terminator. */
export function encodeJson(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Encodes a (signed) state byte. */
export function encodeState(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}

/**
 * The tail after SERVER_ERROR: int32 BE i_errno and errno. Old servers send only i_errno or
 * nothing before closing, so at EOF whatever arrived is accepted.
 */
export function decodeServerErrorTail(
  q: ByteQueue,
  eof: boolean,
): { ierrno: number | null; errno: number | null } | NeedMore {
  if (q.length >= 8) {
    const b = q.take(8) as Buffer;
    return { ierrno: b.readInt32BE(0), errno: b.readInt32BE(4) };
  }
  if (!eof) return NEED_MORE;
  const b = q.drain();
  return { ierrno: b.length >= 4 ? b.readInt32BE(0) : null, errno: null };
}
