// `ethtool -S IF` output, and the atlantic RX page counters in it.
// Names per the driver's string table: "%sQueue[%d] <name>", where the prefix is empty, "TC<n> " with
// mqprio, or "PTP " for the PTP rings. Parsed by name: other drivers, and atlantic variants without these
// counters (the page_pool conversion), simply yield null.

/** "name: value" lines below the "NIC statistics:" header; non-numeric values are skipped. */
export function parseEthtoolStats(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^\s+(.+?):\s+(-?\d+)\s*$/.exec(line);
    if (m) out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

export const ATLANTIC_COUNTERS = {
  pageFlips: "PageFlips",
  pageReuses: "PageReuses",
  pageFrees: "PageFrees",
  allocFails: "AllocFails",
} as const;

export type AtlanticCounterKey = keyof typeof ATLANTIC_COUNTERS;
export type AtlanticCounters = Record<AtlanticCounterKey, number | null>;

const QUEUE_STAT = /^(?:(?:TC\d+|PTP) )?Queue\[\d+\] (\w+)$/;

/** Sums each counter over all queues; a counter no queue reports is null; null when none is present. */
export function atlanticCounters(stats: Map<string, number>): AtlanticCounters | null {
  const byName = new Map<string, AtlanticCounterKey>(
    Object.entries(ATLANTIC_COUNTERS).map(([k, v]) => [v, k as AtlanticCounterKey]),
  );
  const sums: AtlanticCounters = { pageFlips: null, pageReuses: null, pageFrees: null, allocFails: null };
  let found = false;
  for (const [name, value] of stats) {
    const m = QUEUE_STAT.exec(name);
    const key = m ? byName.get(m[1] as string) : undefined;
    if (key === undefined) continue;
    sums[key] = (sums[key] ?? 0) + value;
    found = true;
  }
  return found ? sums : null;
}
