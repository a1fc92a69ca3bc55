// From two cumulative readings to one interval's sample. Pure.
import type { AtlanticCounters } from "./ethtool-stats.js";
import { cpuPercent, type ProcStat } from "./proc-stat.js";
import type { AtlanticSample, CpuSample, IfaceSample } from "./schema.js";
import { IFACE_STATS, type IfaceStatKey, type IfaceStats } from "./sources.js";
import type { TcpCounters } from "./snmp.js";

/** cur - prev, or null when either is unknown or the counter went backwards (reset, wrap). */
export function counterDelta(prev: number | null, cur: number | null): number | null {
  if (prev === null || cur === null || cur < prev) return null;
  return cur - prev;
}

export function cpuSamples(
  prev: ProcStat,
  cur: ProcStat,
): { cores: CpuSample[]; all: Omit<CpuSample, "cpu"> | null } {
  const cores: CpuSample[] = [];
  for (const [cpu, ticks] of [...cur.cores].sort((a, b) => a[0] - b[0])) {
    const before = prev.cores.get(cpu);
    // A core that came online during the test has no earlier reading: skip it for this interval.
    const pct = before ? cpuPercent(before, ticks) : null;
    if (pct) cores.push({ cpu, ...pct });
  }
  const all = prev.all && cur.all ? cpuPercent(prev.all, cur.all) : null;
  return { cores, all };
}

const IFACE_KEYS = [...Object.keys(IFACE_STATS), "carrierChanges"] as IfaceStatKey[];

export function ifaceSample(prev: IfaceStats, cur: IfaceStats, durationMs: number): IfaceSample {
  const d = Object.fromEntries(IFACE_KEYS.map((k) => [k, counterDelta(prev[k], cur[k])])) as Record<
    IfaceStatKey,
    number | null
  >;
  const rate = (bytes: number | null) =>
    bytes === null || durationMs <= 0 ? null : Math.round((bytes * 8 * 1000) / durationMs);
  return { ...d, rxBitsPerSecond: rate(d.rxBytes), txBitsPerSecond: rate(d.txBytes) };
}

export function atlanticSample(
  prev: AtlanticCounters,
  cur: AtlanticCounters,
  spanMs: number,
): AtlanticSample {
  const pageFlips = counterDelta(prev.pageFlips, cur.pageFlips);
  const pageReuses = counterDelta(prev.pageReuses, cur.pageReuses);
  const pageFrees = counterDelta(prev.pageFrees, cur.pageFrees);
  const allocFails = counterDelta(prev.allocFails, cur.allocFails);
  const total =
    pageFlips === null || pageReuses === null || pageFrees === null
      ? null
      : pageFlips + pageReuses + pageFrees;
  return { spanMs, pageFlips, pageReuses, pageFrees, allocFails, total };
}

export function tcpSample(prev: TcpCounters, cur: TcpCounters): TcpCounters {
  return {
    outSegs: counterDelta(prev.outSegs, cur.outSegs),
    retransSegs: counterDelta(prev.retransSegs, cur.retransSegs),
    inSegs: counterDelta(prev.inSegs, cur.inSegs),
    inErrs: counterDelta(prev.inErrs, cur.inErrs),
  };
}
