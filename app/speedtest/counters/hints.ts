// Rules of thumb that turn the counters into short sentences (speedtest-reference.md section 4). Pure.
import type { CounterSample, CountersSummary, Hint } from "./schema.js";

export const THRESHOLDS = {
  /** A core at least this busy counts as saturated. */
  coreBusyPercent: 95,
  /** A core with at least this much softirq is doing all the receive work. */
  softirqPercent: 80,
  /** Share of samples that must show it: sustained, not a blip. */
  sustainedShare: 0.5,
  /** RetransSegs / OutSegs above this means loss; needs this many segments to judge. */
  retransRatio: 0.001,
  minSegments: 1000,
  /** Drops worth a word: at least this many, and this share of received packets. */
  minDrops: 10,
  dropShare: 0.0001,
  /** PageFrees per RX buffer: 0.5 is the order-0 worst case, 1/16 the order-3 one. */
  pageFreesPerBuffer: 0.2,
  minBuffers: 10000,
};

/** The core most often above `threshold`, and in how many samples some core was. */
function sustained(samples: readonly CounterSample[], field: "busy" | "softirq", threshold: number) {
  const perCore = new Map<number, number>();
  let hits = 0;
  for (const s of samples) {
    const over = s.cpu.filter((c) => c[field] >= threshold);
    if (over.length > 0) hits++;
    for (const c of over) perCore.set(c.cpu, (perCore.get(c.cpu) ?? 0) + 1);
  }
  const cpu = [...perCore].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return {
    hits,
    cpu,
    enough: samples.length > 0 && hits >= Math.max(1, samples.length * THRESHOLDS.sustainedShare),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)} %`;

export function counterHints(samples: readonly CounterSample[], s: CountersSummary): Hint[] {
  const hints: Hint[] = [];
  const n = samples.length;

  const busy = sustained(samples, "busy", THRESHOLDS.coreBusyPercent);
  if (busy.enough)
    hints.push({
      id: "core-saturated",
      text:
        `A CPU core was ${THRESHOLDS.coreBusyPercent} % busy or more in ${busy.hits} of ${n} samples ` +
        `(mostly CPU ${busy.cpu}): one core may be the limit. Try more parallel streams.`,
    });

  const soft = sustained(samples, "softirq", THRESHOLDS.softirqPercent);
  if (soft.enough)
    hints.push({
      id: "softirq-one-core",
      text:
        `CPU ${soft.cpu} spent ${THRESHOLDS.softirqPercent} % or more in network interrupt processing (softirq) ` +
        `in ${soft.hits} of ${n} samples: receive work lands on one core. Check /proc/interrupts and RSS/irqbalance.`,
    });

  const t = s.tcp;
  if (
    t &&
    t.retransRatio !== null &&
    (t.outSegs ?? 0) >= THRESHOLDS.minSegments &&
    t.retransRatio > THRESHOLDS.retransRatio
  )
    hints.push({
      id: "tcp-retransmits",
      text: `TCP resent ${pct(t.retransRatio)} of its segments (${t.retransSegs} of ${t.outSegs}): packets are lost on the way or dropped by a full NIC ring.`,
    });

  const i = s.iface;
  if (
    i &&
    i.drops !== null &&
    i.drops >= THRESHOLDS.minDrops &&
    i.drops >= (i.rxPackets ?? 0) * THRESHOLDS.dropShare
  )
    hints.push({
      id: "nic-drops",
      text: `The interface dropped ${i.drops} packets (rx_dropped, rx_missed_errors, rx_fifo_errors): the receive ring overflowed or the host could not keep up.`,
    });
  if (i && (i.rxCrcErrors ?? 0) > 0)
    hints.push({
      id: "rx-crc-errors",
      text: `${i.rxCrcErrors} frames arrived damaged (CRC errors): check the cable or SFP+ module.`,
    });
  if (i && (i.carrierChanges ?? 0) > 0)
    hints.push({
      id: "link-flap",
      text: `The link went down or up ${i.carrierChanges} times during the test.`,
    });

  const a = s.atlantic;
  if (a && a.pageFreesPerBuffer !== null && (a.pageFrees ?? 0) > 0) {
    const buffers = (a.pageFlips ?? 0) + (a.pageReuses ?? 0) + (a.pageFrees ?? 0);
    if (buffers >= THRESHOLDS.minBuffers && a.pageFreesPerBuffer >= THRESHOLDS.pageFreesPerBuffer)
      hints.push({
        id: "rx-page-frees",
        text:
          `${pct(a.pageFreesPerBuffer)} of receive buffers needed a fresh IOMMU mapping (PageFrees): the RX page ` +
          "order is too low for a strict IOMMU. A higher page order cuts this (tenbolt preset apply iommu-safe-performance).",
      });
  }
  if (a && (a.allocFails ?? 0) > 0)
    hints.push({
      id: "rx-alloc-fails",
      text: `The driver failed ${a.allocFails} times to allocate receive pages (AllocFails): memory is short or fragmented; a lower page order or a smaller ring helps.`,
    });

  const sw = s.swiotlb;
  if (sw && (sw.maxUsed ?? 0) > 0)
    hints.push({
      id: "swiotlb-bouncing",
      text: `DMA bounce buffers were in use (up to ${sw.maxUsed}${sw.nslabs ? ` of ${sw.nslabs}` : ""} slots): data is being copied for the device (swiotlb).`,
    });

  return hints;
}
