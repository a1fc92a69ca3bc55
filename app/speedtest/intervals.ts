// Per-second intervals from cumulative byte counts: pure arithmetic over samples the engine takes.
import type { Role, StreamSlot } from "./plan.js";

export interface StreamInterval {
  id: number;
  role: Role;
  bytes: number;
  bitsPerSecond: number;
}

export interface Interval {
  /** Seconds since the test started (TEST_START), omitted warm-up included. */
  start: number;
  end: number;
  /** All streams, both directions: the data this host moved. */
  bitsPerSecond: number;
  sentBitsPerSecond: number;
  receivedBitsPerSecond: number;
  /** In the omitted warm-up (not part of the totals). */
  omitted: boolean;
  streams: StreamInterval[];
}

export class IntervalRecorder {
  private last: number[];
  private lastT = 0;
  readonly intervals: Interval[] = [];

  constructor(
    private readonly slots: readonly StreamSlot[],
    start: readonly number[] = slots.map(() => 0),
  ) {
    this.last = [...start];
  }

  /** Cumulative counts at the last mark. */
  get lastCounts(): readonly number[] {
    return this.last;
  }

  /** Records the interval ending at `t` seconds with cumulative per-slot counts. */
  mark(t: number, counts: readonly number[], omitted: boolean): Interval {
    const dt = t - this.lastT;
    const rate = (b: number) => (dt > 0 ? (b * 8) / dt : 0);
    const streams = this.slots.map((s, i) => {
      const bytes = (counts[i] ?? 0) - (this.last[i] ?? 0);
      return { id: s.id, role: s.clientRole, bytes, bitsPerSecond: rate(bytes) };
    });
    const sum = (role: Role) => streams.filter((s) => s.role === role).reduce((a, s) => a + s.bytes, 0);
    const sent = sum("send");
    const received = sum("recv");
    const iv: Interval = {
      start: round(this.lastT),
      end: round(t),
      bitsPerSecond: rate(sent + received),
      sentBitsPerSecond: rate(sent),
      receivedBitsPerSecond: rate(received),
      omitted,
      streams,
    };
    this.intervals.push(iv);
    this.last = [...counts];
    this.lastT = t;
    return iv;
  }
}

function round(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}
