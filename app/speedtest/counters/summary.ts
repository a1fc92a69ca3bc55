// The summary over all samples. Pure.
import type { CounterSample, CountersSummary } from "./schema.js";

/** Sum of a field over samples; null when no sample knows it. */
function total<T>(items: readonly T[], get: (x: T) => number | null | undefined): number | null {
  let sum: number | null = null;
  for (const x of items) {
    const v = get(x);
    if (v !== null && v !== undefined) sum = (sum ?? 0) + v;
  }
  return sum;
}

function sumOrNull(...xs: (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function maxCore(samples: readonly CounterSample[], field: "busy" | "softirq") {
  let best: { cpu: number; percent: number } | null = null;
  for (const s of samples)
    for (const c of s.cpu)
      if (best === null || c[field] > best.percent) best = { cpu: c.cpu, percent: c[field] };
  return best;
}

export function summarize(samples: readonly CounterSample[]): CountersSummary {
  const durationMs = samples.reduce((s, x) => s + x.durationMs, 0);
  const withAll = samples.filter((s) => s.cpuAll !== null);
  const avgBusy =
    withAll.length === 0 || durationMs === 0
      ? null
      : Math.round(
          (withAll.reduce((s, x) => s + (x.cpuAll?.busy ?? 0) * x.durationMs, 0) /
            withAll.reduce((s, x) => s + x.durationMs, 0)) *
            10,
        ) / 10;

  const ifs = samples.flatMap((s) => (s.iface ? [s.iface] : []));
  const iface =
    ifs.length === 0
      ? null
      : {
          rxBytes: total(ifs, (i) => i.rxBytes),
          txBytes: total(ifs, (i) => i.txBytes),
          rxPackets: total(ifs, (i) => i.rxPackets),
          txPackets: total(ifs, (i) => i.txPackets),
          drops: sumOrNull(
            total(ifs, (i) => i.rxDropped),
            total(ifs, (i) => i.rxMissedErrors),
            total(ifs, (i) => i.rxFifoErrors),
            total(ifs, (i) => i.txDropped),
          ),
          errors: sumOrNull(
            total(ifs, (i) => i.rxErrors),
            total(ifs, (i) => i.txErrors),
          ),
          rxCrcErrors: total(ifs, (i) => i.rxCrcErrors),
          carrierChanges: total(ifs, (i) => i.carrierChanges),
        };

  const tcps = samples.flatMap((s) => (s.tcp ? [s.tcp] : []));
  const outSegs = total(tcps, (t) => t.outSegs);
  const retransSegs = total(tcps, (t) => t.retransSegs);
  const tcp =
    tcps.length === 0
      ? null
      : {
          outSegs,
          retransSegs,
          retransRatio:
            outSegs !== null && retransSegs !== null && outSegs > 0 ? retransSegs / outSegs : null,
        };

  const ats = samples.flatMap((s) => (s.atlantic ? [s.atlantic] : []));
  const pageFrees = total(ats, (a) => a.pageFrees);
  const buffers = total(ats, (a) => a.total);
  const atlantic =
    ats.length === 0
      ? null
      : {
          pageFlips: total(ats, (a) => a.pageFlips),
          pageReuses: total(ats, (a) => a.pageReuses),
          pageFrees,
          allocFails: total(ats, (a) => a.allocFails),
          pageFreesPerBuffer:
            pageFrees !== null && buffers !== null && buffers > 0 ? pageFrees / buffers : null,
        };

  const sws = samples.flatMap((s) => (s.swiotlb ? [s.swiotlb] : []));
  const swUsed = sws.flatMap((s) => (s.used === null ? [] : [s.used]));
  const swiotlb =
    sws.length === 0
      ? null
      : { maxUsed: swUsed.length ? Math.max(...swUsed) : null, nslabs: sws.at(-1)?.nslabs ?? null };

  return {
    samples: samples.length,
    durationSeconds: Math.round(durationMs) / 1000,
    maxCoreBusy: maxCore(samples, "busy"),
    maxSoftirq: maxCore(samples, "softirq"),
    avgBusyPercent: avgBusy,
    iface,
    tcp,
    atlantic,
    swiotlb,
  };
}
