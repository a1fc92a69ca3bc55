// Before/after of two saved results: the receiver's rate of each (the number iperf3 prints last) and
// what differed in the machine's state between them. Pure.
import type { HistoryEntry } from "./schema.js";

interface LineLike {
  receiver?: { bitsPerSecond?: unknown };
}

/** The receiver's rate summed over the directions the test ran (both for bidir). */
export function receiverBitsPerSecond(entry: HistoryEntry): number {
  const lines = entry.result.lines;
  if (!Array.isArray(lines)) return 0;
  return (lines as LineLike[]).reduce((sum, l) => {
    const v = l.receiver?.bitsPerSecond;
    return sum + (typeof v === "number" && Number.isFinite(v) ? v : 0);
  }, 0);
}

function show(v: string | number | boolean | null | undefined): string {
  return v === null || v === undefined ? "unknown" : String(v);
}

export function contextDifferences(before: HistoryEntry, after: HistoryEntry): string[] {
  const b = before.context;
  const a = after.context;
  const pairs: [string, unknown, unknown][] = [
    ["adapter", b.adapter?.model ?? b.adapter?.chip, a.adapter?.model ?? a.adapter?.chip],
    [
      "driver",
      b.driver ? (b.driver.patched ? "patched" : "stock") : null,
      a.driver ? (a.driver.patched ? "patched" : "stock") : null,
    ],
    ["RX page order", b.driver?.rxPageOrder, a.driver?.rxPageOrder],
    ["preset", b.preset ?? "none", a.preset ?? "none"],
    ["kernel", b.kernel, a.kernel],
    ["direction", before.result.direction, after.result.direction],
    ["streams", before.result.streams, after.result.streams],
  ];
  return pairs
    .filter(([, x, y]) => show(x as string) !== show(y as string))
    .map(([what, x, y]) => `${what}: ${show(x as string)} -> ${show(y as string)}`);
}

export function compareEntries(before: HistoryEntry, after: HistoryEntry) {
  const beforeBps = receiverBitsPerSecond(before);
  const afterBps = receiverBitsPerSecond(after);
  return {
    before,
    after,
    beforeBps,
    afterBps,
    ratio: beforeBps > 0 ? afterBps / beforeBps : null,
    differences: contextDifferences(before, after),
  };
}
