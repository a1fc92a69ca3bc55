// Pure decisions for a sending stream that must stop or slow down as iperf3's does: a byte or
// block budget shared by all sending streams of a test (-n / -k), and a per-stream rate (-b,
// --fq-rate) kept as an average since the stream started (iperf3's iperf_check_throttle: send
// while the average is below the target, else wait until it would be).
import type { SendLimit } from "./protocol/params.js";

/** Whole blocks all sending streams may still write together; unlimited for time-based tests. */
export class SendBudget {
  private left: number;

  constructor(limit: SendLimit, blockLen: number) {
    // iperf3 writes whole blocks while bytes_sent < bytes: ceil(bytes / len) blocks in all.
    this.left =
      limit.kind === "bytes"
        ? Math.ceil(limit.bytes / blockLen)
        : limit.kind === "blocks"
          ? limit.blocks
          : Number.POSITIVE_INFINITY;
  }

  /** Takes up to `want` blocks; returns how many were granted (0 once spent). */
  take(want: number): number {
    const n = Math.min(want, this.left);
    this.left -= n;
    return n;
  }

  get spent(): boolean {
    return this.left <= 0;
  }
}

export type PaceDecision = { send: number } | { waitMs: number };

/**
 * How many blocks a stream paced at `rateBps` may write now, having written `bytesWritten` in
 * `elapsedMs`: enough to catch up with the target average (at least one, at most `maxBlocks`), or
 * how long to wait until it falls below it.
 */
export function pace(
  elapsedMs: number,
  bytesWritten: number,
  rateBps: number,
  blockLen: number,
  maxBlocks: number,
): PaceDecision {
  const dueBytes = (rateBps / 8) * (elapsedMs / 1000);
  if (bytesWritten < dueBytes || bytesWritten === 0)
    return { send: Math.max(1, Math.min(maxBlocks, Math.ceil((dueBytes - bytesWritten) / blockLen))) };
  return { waitMs: ((bytesWritten - dueBytes) * 8 * 1000) / rateBps };
}
