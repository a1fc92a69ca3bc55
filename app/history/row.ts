// One history entry as a row of facts for a list or table. The result is read defensively: it was
// validated by the speed test when saved, but older or newer versions may lack or rename fields.
import type { HistoryEntry } from "./schema.js";

export interface HistoryRow {
  id: string;
  savedAt: Date;
  host: string | null;
  direction: string | null;
  sentBitsPerSecond: number | null;
  receivedBitsPerSecond: number | null;
  streams: number | null;
  rxPageOrder: number | null;
  preset: string | null;
}

function field(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

export function historyRow(e: HistoryEntry): HistoryRow {
  const r = e.result;
  return {
    id: e.id,
    savedAt: new Date(e.savedAt),
    host: str(field(r, "server", "host")),
    direction: str(field(r, "direction")),
    sentBitsPerSecond: num(field(r, "sent", "bitsPerSecond")),
    receivedBitsPerSecond: num(field(r, "received", "bitsPerSecond")),
    streams: num(field(r, "streams")),
    rxPageOrder: e.context.driver?.rxPageOrder ?? null,
    preset: e.context.preset,
  };
}
