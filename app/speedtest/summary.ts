// Puts the client's own counts and the server's results together into the JSON result: this
// host's view (sent/received), the remote's view, and iperf3's sender/receiver line pair per
// direction. Pure.
import type { Interval } from "./intervals.js";
import type { StreamSlot } from "./plan.js";
import type { TestSpec } from "./protocol/params.js";
import type { ResultsJson } from "./protocol/results.js";
import type { DirectionLine, SpeedtestResult, StreamTotal } from "./result.js";
import type { CpuPercent } from "./cpu.js";

export interface AssembleInput {
  spec: TestSpec;
  server: { host: string; port: number; address: string };
  local: { address: string; port: number };
  startedAt: Date;
  finishedAt: Date;
  /** Seconds this side measured (after omit), to TEST_END. */
  seconds: number;
  /** Seconds its sending streams ran, to their last write (defaults to `seconds`). */
  sendSeconds?: number;
  streams: { slot: StreamSlot; bytes: number; retransmits: number | null }[];
  intervals: Interval[];
  remote: ResultsJson;
  cpu: CpuPercent;
  counters: unknown;
}

const bps = (bytes: number, seconds: number) => (seconds > 0 ? (bytes * 8) / seconds : 0);

function sumRetrans(values: (number | null)[]): number | null {
  if (values.length === 0 || values.some((v) => v === null || v < 0)) return null;
  return values.reduce<number>((a, v) => a + (v as number), 0);
}

export function assembleResult(a: AssembleInput): SpeedtestResult {
  const sendSeconds = a.sendSeconds ?? a.seconds;
  const ownSeconds = (role: "send" | "recv") => (role === "send" ? sendSeconds : a.seconds);
  const remoteById = new Map(a.remote.streams.map((s) => [s.id, s]));
  const totals: StreamTotal[] = a.streams.map((s) => {
    const r = remoteById.get(s.slot.id);
    return {
      id: s.slot.id,
      role: s.slot.clientRole,
      bytes: s.bytes,
      seconds: ownSeconds(s.slot.clientRole),
      bitsPerSecond: bps(s.bytes, ownSeconds(s.slot.clientRole)),
      retransmits: s.retransmits,
      remoteBytes: r ? r.bytes : null,
      remoteSeconds: r?.end_time !== undefined ? r.end_time - (r.start_time ?? 0) : null,
    };
  });
  const side = (role: "send" | "recv") => {
    const ts = totals.filter((t) => t.role === role);
    const bytes = ts.reduce((x, t) => x + t.bytes, 0);
    const remoteBytes = ts.reduce((x, t) => x + (t.remoteBytes ?? 0), 0);
    const remoteSeconds = Math.max(0, ...ts.map((t) => t.remoteSeconds ?? a.seconds));
    return { ts, bytes, remoteBytes, remoteSeconds };
  };
  const send = side("send");
  const recv = side("recv");
  const lines: DirectionLine[] = [];
  if (send.ts.length > 0)
    lines.push({
      direction: "upload",
      sender: {
        side: "local",
        bytes: send.bytes,
        seconds: sendSeconds,
        bitsPerSecond: bps(send.bytes, sendSeconds),
        retransmits: sumRetrans(send.ts.map((t) => t.retransmits)),
      },
      receiver: {
        side: "remote",
        bytes: send.remoteBytes,
        seconds: send.remoteSeconds,
        bitsPerSecond: bps(send.remoteBytes, send.remoteSeconds),
      },
    });
  const remoteSenderRetrans = (ts: StreamTotal[]) => {
    if (a.remote.sender_has_retransmits !== 1) return null;
    const vals = ts.map((t) => remoteById.get(t.id)?.retransmits ?? -1);
    return vals.some((v) => v < 0) ? null : vals.reduce((x, v) => x + v, 0);
  };
  if (recv.ts.length > 0)
    lines.push({
      direction: "download",
      sender: {
        side: "remote",
        bytes: recv.remoteBytes,
        seconds: recv.remoteSeconds,
        bitsPerSecond: bps(recv.remoteBytes, recv.remoteSeconds),
        retransmits: remoteSenderRetrans(recv.ts),
      },
      receiver: {
        side: "local",
        bytes: recv.bytes,
        seconds: a.seconds,
        bitsPerSecond: bps(recv.bytes, a.seconds),
      },
    });
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    schema: "tenbolt.speedtest/1",
    direction: a.spec.direction,
    streams: a.spec.streams,
    durationSeconds: round(a.seconds),
    omitSeconds: a.spec.omit,
    blockLength: a.spec.blockLen,
    server: a.server,
    local: a.local,
    startedAt: a.startedAt.toISOString(),
    finishedAt: a.finishedAt.toISOString(),
    sent: { bytes: send.bytes, bitsPerSecond: bps(send.bytes, sendSeconds) },
    received: { bytes: recv.bytes, bitsPerSecond: bps(recv.bytes, a.seconds) },
    retransmits: sumRetrans(send.ts.map((t) => t.retransmits)),
    intervals: a.intervals,
    lines,
    streamTotals: totals,
    remote: {
      sent: { bytes: recv.remoteBytes, bitsPerSecond: bps(recv.remoteBytes, recv.remoteSeconds) },
      received: { bytes: send.remoteBytes, bitsPerSecond: bps(send.remoteBytes, send.remoteSeconds) },
      retransmits: remoteSenderRetrans(recv.ts),
      cpu: { total: a.remote.cpu_util_total, user: a.remote.cpu_util_user, system: a.remote.cpu_util_system },
      congestion: a.remote.congestion_used ?? null,
    },
    cpu: a.cpu,
    counters: a.counters ?? null,
  };
}
