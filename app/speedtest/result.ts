// The JSON result of a speed test (`tenbolt speedtest --json`, history, the GUI). Documented in
// docs/speedtest.md; scripts may rely on direction, streams, durationSeconds, sent, received,
// retransmits, intervals and counters. Add fields freely; never rename or remove.
import { z } from "zod";

const rate = z.object({ bytes: z.number().nonnegative(), bitsPerSecond: z.number().nonnegative() });
const cpu = z.object({ total: z.number(), user: z.number(), system: z.number() });

export const intervalSchema = z.object({
  start: z.number(),
  end: z.number(),
  bitsPerSecond: z.number(),
  sentBitsPerSecond: z.number(),
  receivedBitsPerSecond: z.number(),
  omitted: z.boolean(),
  streams: z.array(
    z.object({
      id: z.number().int(),
      role: z.enum(["send", "recv"]),
      bytes: z.number(),
      bitsPerSecond: z.number(),
    }),
  ),
});

/** One iperf3-style summary line pair: what the sender and the receiver counted for one direction. */
export const directionLineSchema = z.object({
  direction: z.enum(["upload", "download"]),
  sender: rate.extend({
    seconds: z.number(),
    retransmits: z.number().int().nullable(),
    side: z.enum(["local", "remote"]),
  }),
  receiver: rate.extend({ seconds: z.number(), side: z.enum(["local", "remote"]) }),
});

export const streamTotalSchema = z.object({
  id: z.number().int(),
  role: z.enum(["send", "recv"]),
  bytes: z.number(),
  seconds: z.number(),
  bitsPerSecond: z.number(),
  retransmits: z.number().int().nullable(),
  remoteBytes: z.number().nullable(),
  remoteSeconds: z.number().nullable(),
});

export const speedtestResultSchema = z.object({
  schema: z.literal("tenbolt.speedtest/1"),
  direction: z.enum(["upload", "download", "bidir"]),
  /** Streams per direction. */
  streams: z.number().int().min(1),
  /** Measured seconds (after the omitted warm-up). */
  durationSeconds: z.number(),
  omitSeconds: z.number().int(),
  blockLength: z.number().int(),
  server: z.object({ host: z.string(), port: z.number().int(), address: z.string() }),
  local: z.object({ address: z.string(), port: z.number().int() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** What this host wrote (0 bytes in a download), summed over streams. */
  sent: rate,
  /** What this host read (0 bytes in an upload), summed over streams. */
  received: rate,
  /** TCP retransmits of this host's sending streams (from `ss`), null when unknown or not sending. */
  retransmits: z.number().int().nullable(),
  /** Per-second, summed over streams; per-stream detail inside. */
  intervals: z.array(intervalSchema),
  /** iperf3's sender/receiver lines per direction, both sides' counts. */
  lines: z.array(directionLineSchema),
  streamTotals: z.array(streamTotalSchema),
  /** The server's view from the results exchange. */
  remote: z.object({
    sent: rate,
    received: rate,
    retransmits: z.number().int().nullable(),
    cpu,
    congestion: z.string().nullable(),
  }),
  /** This process's CPU over the test, % of one core (workers included). */
  cpu,
  /** System counters sampled during the test (null when the sampler was unavailable). */
  counters: z.unknown().nullable(),
});

export type SpeedtestResult = z.infer<typeof speedtestResultSchema>;
export type DirectionLine = z.infer<typeof directionLineSchema>;
export type StreamTotal = z.infer<typeof streamTotalSchema>;
