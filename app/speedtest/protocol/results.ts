// The results block each side sends after EXCHANGE_RESULTS. Stock iperf3 fails the test with
// IERECVRESULTS unless cpu_util_* and sender_has_retransmits are present and every stream has
// id, bytes, retransmits, jitter, errors and packets, so we always send all of them.
import { z } from "zod";
import { unwrapInt64 } from "./int64.js";

const int64 = z.number().finite().transform(unwrapInt64);

export const resultsStreamSchema = z.object({
  id: z.number().int(),
  bytes: int64,
  retransmits: int64,
  jitter: z.number().finite(),
  errors: int64,
  packets: int64,
  omitted_errors: int64.optional(),
  omitted_packets: int64.optional(),
  start_time: z.number().finite().optional(),
  end_time: z.number().finite().optional(),
});

export const resultsSchema = z.object({
  cpu_util_total: z.number().finite(),
  cpu_util_user: z.number().finite(),
  cpu_util_system: z.number().finite(),
  sender_has_retransmits: int64,
  congestion_used: z.string().optional(),
  streams: z.array(resultsStreamSchema).max(1024),
});

export type ResultsStream = z.infer<typeof resultsStreamSchema>;
export type ResultsJson = z.infer<typeof resultsSchema>;

export type ParsedResults = { ok: true; value: ResultsJson } | { ok: false; reason: string };

export function parseResults(json: unknown): ParsedResults {
  const r = resultsSchema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues[0];
  return {
    ok: false,
    reason: first ? `${first.path.join(".") || "results"}: ${first.message}` : "invalid results",
  };
}

/** One stream as this side reports it; bytes are what it sent if it sent, else what it read. */
export interface StreamTotals {
  id: number;
  bytes: number;
  /** Seconds measured (after omit). */
  seconds: number;
  /** -1 when unknown. */
  retransmits: number;
}

export function buildResults(
  streams: readonly StreamTotals[],
  cpu: { total: number; user: number; system: number },
  senderHasRetransmits: -1 | 0 | 1,
): ResultsJson {
  const r2 = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    cpu_util_total: r2(cpu.total),
    cpu_util_user: r2(cpu.user),
    cpu_util_system: r2(cpu.system),
    sender_has_retransmits: senderHasRetransmits,
    streams: streams.map((s) => ({
      id: s.id,
      bytes: s.bytes,
      retransmits: s.retransmits,
      jitter: 0,
      errors: 0,
      packets: 0,
      start_time: 0,
      end_time: r2(s.seconds),
    })),
  };
}
