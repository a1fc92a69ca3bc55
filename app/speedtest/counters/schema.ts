// The counters report attached to a speed test result: one sample per interval, a summary and hints.
// Counters are deltas over the sample's interval; gauges (swiotlb) are the value at the sample time.
// null = not readable on this machine (or the counter went backwards, e.g. the interface was recreated).
import { z } from "zod";

const n = z.number().nullable();

export const CpuSampleSchema = z.object({
  cpu: z.number().int(), // core number as in /proc/stat
  user: z.number(),
  nice: z.number(),
  system: z.number(),
  idle: z.number(),
  iowait: z.number(),
  irq: z.number(),
  softirq: z.number(),
  steal: z.number(),
  /** 100 - idle - iowait. */
  busy: z.number(),
});

export const IfaceSampleSchema = z.object({
  rxBytes: n,
  txBytes: n,
  rxPackets: n,
  txPackets: n,
  rxDropped: n,
  txDropped: n,
  rxErrors: n,
  txErrors: n,
  rxMissedErrors: n,
  rxFifoErrors: n,
  rxCrcErrors: n,
  carrierChanges: n,
  rxBitsPerSecond: n,
  txBitsPerSecond: n,
});

export const AtlanticSampleSchema = z.object({
  /** Milliseconds since the previous ethtool reading (ethtool runs at most once per second). */
  spanMs: z.number(),
  pageFlips: n,
  pageReuses: n,
  pageFrees: n,
  allocFails: n,
  /** pageFlips + pageReuses + pageFrees: RX buffers refilled in the span. */
  total: n,
});

export const SwiotlbSampleSchema = z.object({
  nslabs: n,
  used: n,
  usedHiwater: n,
  transientNslabs: n,
});

export const TcpSampleSchema = z.object({ outSegs: n, retransSegs: n, inSegs: n, inErrs: n });

export const CounterSampleSchema = z.object({
  /** Milliseconds since sampling started, at the end of the interval. */
  t: z.number(),
  /** Length of the interval this sample covers, in milliseconds. */
  durationMs: z.number(),
  cpu: z.array(CpuSampleSchema),
  /** The "cpu" line of /proc/stat: all cores together (percent of all cores). */
  cpuAll: CpuSampleSchema.omit({ cpu: true }).nullable(),
  iface: IfaceSampleSchema.nullable(),
  atlantic: AtlanticSampleSchema.nullable(),
  swiotlb: SwiotlbSampleSchema.nullable(),
  tcp: TcpSampleSchema.nullable(),
});

export const HintSchema = z.object({
  /** Stable: "core-saturated", "softirq-one-core", "tcp-retransmits", "nic-drops", "rx-crc-errors",
   * "link-flap", "rx-page-frees", "rx-alloc-fails", "swiotlb-bouncing". */
  id: z.string(),
  text: z.string(),
});

export const CountersSummarySchema = z.object({
  samples: z.number().int(),
  durationSeconds: z.number(),
  maxCoreBusy: z.object({ cpu: z.number().int(), percent: z.number() }).nullable(),
  maxSoftirq: z.object({ cpu: z.number().int(), percent: z.number() }).nullable(),
  /** Average over the test of the whole machine's busy share (percent of all cores). */
  avgBusyPercent: n,
  iface: z
    .object({
      rxBytes: n,
      txBytes: n,
      rxPackets: n,
      txPackets: n,
      drops: n, // rx_dropped + rx_missed_errors + rx_fifo_errors + tx_dropped
      errors: n, // rx_errors + tx_errors
      rxCrcErrors: n,
      carrierChanges: n,
    })
    .nullable(),
  tcp: z.object({ outSegs: n, retransSegs: n, retransRatio: n }).nullable(),
  atlantic: z
    .object({
      pageFlips: n,
      pageReuses: n,
      pageFrees: n,
      allocFails: n,
      /** PageFrees / (PageFlips + PageReuses + PageFrees): ~0.5 at order 0 under load, ~1/16 at order 3. */
      pageFreesPerBuffer: n,
    })
    .nullable(),
  swiotlb: z.object({ maxUsed: n, nslabs: n }).nullable(),
});

export const CountersReportSchema = z.object({
  iface: z.string().nullable(),
  intervalMs: z.number(),
  /** What could be read: tells a face why a section is null. */
  sources: z.object({
    procStat: z.boolean(),
    iface: z.boolean(),
    ethtool: z.enum(["ok", "no-interface", "unavailable", "no-atlantic-counters"]),
    swiotlb: z.boolean(),
    tcp: z.boolean(),
  }),
  samples: z.array(CounterSampleSchema),
  summary: CountersSummarySchema,
  hints: z.array(HintSchema),
});

export type CpuSample = z.infer<typeof CpuSampleSchema>;
export type IfaceSample = z.infer<typeof IfaceSampleSchema>;
export type AtlanticSample = z.infer<typeof AtlanticSampleSchema>;
export type CounterSample = z.infer<typeof CounterSampleSchema>;
export type Hint = z.infer<typeof HintSchema>;
export type CountersSummary = z.infer<typeof CountersSummarySchema>;
export type CountersReport = z.infer<typeof CountersReportSchema>;
