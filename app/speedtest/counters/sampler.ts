// Samples the system counters during a speed test: files every interval (synchronous, well under a
// millisecond each), `ethtool -S` at most once per second through the Runner (about 5 ms per spawn, so it
// runs asynchronously and its result is attached to the sample it was started with).
import { SysRoot } from "../../sysfs/root.js";
import { systemRunner, type Runner } from "../../system/runner.js";
import { atlanticSample, cpuSamples, ifaceSample, tcpSample } from "./deltas.js";
import { atlanticCounters, parseEthtoolStats, type AtlanticCounters } from "./ethtool-stats.js";
import { counterHints } from "./hints.js";
import type { ProcStat } from "./proc-stat.js";
import type { CounterSample, CountersReport } from "./schema.js";
import type { TcpCounters } from "./snmp.js";
import {
  DirReader,
  SWIOTLB_DIR,
  readIfaceStats,
  readProcStat,
  readSwiotlb,
  readTcp,
  validIfaceName,
  type IfaceStats,
} from "./sources.js";
import { summarize } from "./summary.js";

export interface CounterOptions {
  /** Root of the file system to read (default "/"); tests point it at a fixture tree. */
  root?: string;
  /** The interface under test; null or absent: CPU and TCP only. */
  iface?: string | null;
  /** Sampling interval in milliseconds (default 1000). */
  intervalMs?: number;
  runner?: Runner;
  /** Milliseconds, monotonic (default performance.now). */
  clock?: () => number;
  /** Told about each sample as it is taken (a live chart); errors it throws are ignored. */
  onSample?: (s: CounterSample) => void;
}

export interface CounterSampler {
  /** Takes a last sample, waits for a running ethtool, and returns the report. Call once. */
  stop(): Promise<CountersReport>;
}

const ETHTOOL_MIN_GAP_MS = 1000;
const ETHTOOL_TIMEOUT_MS = 2000;
/** A final sample at stop() only when the last interval is long enough to mean something. */
const MIN_FINAL_SAMPLE_MS = 100;

type EthtoolState = CountersReport["sources"]["ethtool"];

/** The synchronous part: file readings and the deltas between consecutive ones. */
export class FileCounters {
  private procStat: ProcStat | null;
  private ifaceStats: IfaceStats | null;
  private tcp: TcpCounters | null;
  private lastT: number;
  readonly seen = { procStat: false, iface: false, swiotlb: false, tcp: false };
  private readonly proc: DirReader;
  private readonly procNet: DirReader;
  private readonly ifaceDir: DirReader | null;
  private readonly ifaceStatsDir: DirReader | null;
  private readonly swiotlbDir: DirReader;

  constructor(root: SysRoot, ifaceDir: string | null, now: number) {
    // Directories are resolved once: an interface renamed or removed mid-test reads as null from then on.
    this.proc = new DirReader(root, "/proc");
    this.procNet = new DirReader(root, "/proc/net");
    this.ifaceDir = ifaceDir ? new DirReader(root, ifaceDir) : null;
    this.ifaceStatsDir = ifaceDir ? new DirReader(root, `${ifaceDir}/statistics`) : null;
    this.swiotlbDir = new DirReader(root, SWIOTLB_DIR);
    this.procStat = readProcStat(this.proc);
    this.ifaceStats = this.readIface();
    this.tcp = readTcp(this.procNet);
    this.lastT = now;
    this.note();
  }

  private readIface(): IfaceStats | null {
    return this.ifaceDir && this.ifaceStatsDir ? readIfaceStats(this.ifaceDir, this.ifaceStatsDir) : null;
  }

  private note() {
    this.seen.procStat ||= this.procStat !== null;
    this.seen.iface ||= this.ifaceStats !== null;
    this.seen.tcp ||= this.tcp !== null;
  }

  /** Reads everything and returns the interval since the previous call (t relative to `start`). */
  sample(now: number, start: number): CounterSample {
    const procStat = readProcStat(this.proc);
    const ifaceStats = this.readIface();
    const tcp = readTcp(this.procNet);
    const swiotlb = this.swiotlbDir.exists ? readSwiotlb(this.swiotlbDir) : null;
    const durationMs = now - this.lastT;
    const cpu = this.procStat && procStat ? cpuSamples(this.procStat, procStat) : { cores: [], all: null };
    const sample: CounterSample = {
      t: Math.round(now - start),
      durationMs: Math.round(durationMs),
      cpu: cpu.cores,
      cpuAll: cpu.all,
      iface: this.ifaceStats && ifaceStats ? ifaceSample(this.ifaceStats, ifaceStats, durationMs) : null,
      atlantic: null,
      swiotlb,
      tcp: this.tcp && tcp ? tcpSample(this.tcp, tcp) : null,
    };
    // An unreadable reading keeps the last good one, so the next interval spans the gap.
    this.procStat = procStat ?? this.procStat;
    this.ifaceStats = ifaceStats ?? this.ifaceStats;
    this.tcp = tcp ?? this.tcp;
    this.lastT = now;
    this.seen.swiotlb ||= swiotlb !== null;
    this.note();
    return sample;
  }
}

/** The asynchronous part: `ethtool -S` readings, rate-limited, and their deltas. */
export class EthtoolCounters {
  state: EthtoolState;
  private last: { at: number; counters: AtlanticCounters } | null = null;
  private lastStart = -Infinity;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly runner: Runner,
    private readonly iface: string | null,
  ) {
    this.state = iface === null ? "no-interface" : "ok";
  }

  /** Starts a reading unless one runs or one started less than a second ago; `attach` gets the delta. */
  poll(now: number, clock: () => number, attach: (s: ReturnType<typeof atlanticSample>) => void): void {
    if (this.state !== "ok" || this.iface === null || this.inFlight) return;
    if (now - this.lastStart < ETHTOOL_MIN_GAP_MS) return;
    this.lastStart = now;
    const iface = this.iface;
    this.inFlight = this.runner
      .run("ethtool", ["-S", iface], { timeoutMs: ETHTOOL_TIMEOUT_MS, env: { ...process.env, LC_ALL: "C" } })
      .then((r) => {
        if (r.spawnError || r.timedOut || r.code !== 0) {
          // Missing tool or a driver without statistics: no point asking again every second.
          this.state = "unavailable";
          return;
        }
        const counters = atlanticCounters(parseEthtoolStats(r.stdout));
        if (counters === null) {
          this.state = "no-atlantic-counters";
          return;
        }
        const at = clock();
        if (this.last) attach(atlanticSample(this.last.counters, counters, Math.round(at - this.last.at)));
        this.last = { at, counters };
      })
      .catch(() => {
        this.state = "unavailable";
      })
      .finally(() => {
        this.inFlight = null;
      });
  }

  /** Resolves when no reading is running. */
  async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }
}

/** Starts sampling now (a baseline reading) and every interval until stop(). Never throws while running. */
export function startCounterSampling(opts: CounterOptions): CounterSampler {
  const clock = opts.clock ?? (() => performance.now());
  const intervalMs = Math.max(10, opts.intervalMs ?? 1000);
  const root = new SysRoot(opts.root ?? "/");
  const iface = opts.iface && validIfaceName(opts.iface) ? opts.iface : null;
  const start = clock();
  const files = new FileCounters(root, iface ? `/sys/class/net/${iface}` : null, start);
  const ethtool = new EthtoolCounters(opts.runner ?? systemRunner, iface);
  const samples: CounterSample[] = [];
  let lastSampleAt = start;

  const attachTo = (sample: CounterSample | null) => (a: CounterSample["atlantic"]) => {
    if (sample) sample.atlantic = a;
  };
  ethtool.poll(start, clock, attachTo(null)); // baseline

  const tick = () => {
    try {
      const now = clock();
      const s = files.sample(now, start);
      samples.push(s);
      lastSampleAt = now;
      opts.onSample?.(s);
      ethtool.poll(now, clock, attachTo(s));
    } catch {
      // Sampling is a side show: it must never break the speed test.
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();

  let stopped: Promise<CountersReport> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await ethtool.settle();
        if (clock() - lastSampleAt >= Math.min(MIN_FINAL_SAMPLE_MS, intervalMs)) tick();
        await ethtool.settle();
        const summary = summarize(samples);
        return {
          iface,
          intervalMs,
          sources: { ...files.seen, iface: iface !== null && files.seen.iface, ethtool: ethtool.state },
          samples,
          summary,
          hints: counterHints(samples, summary),
        };
      })();
      return stopped;
    },
  };
}
