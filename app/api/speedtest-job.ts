// A speed test as a contract job: the client with its counters sampler, each interval pushed with the
// CPU picture beside it, the iperf3-style summary, and the save to history.
import { runClient } from "../speedtest/client.js";
import { formatSummary } from "../speedtest/format.js";
import { interfaceFor } from "../speedtest/iface.js";
import { startCounterSampling } from "../speedtest/counters/index.js";
import type { CounterSample } from "../speedtest/counters/index.js";
import type { SpeedtestResult } from "../speedtest/result.js";
import { describeError } from "../errors.js";
import type { Runner } from "../system/runner.js";
import type { ApiEvent } from "./contract.js";

export interface SpeedtestJobArgs {
  host: string;
  port: number;
  direction: "download" | "upload" | "bidir";
  streams: number;
  seconds: number;
  omit: number;
  save: boolean;
}

export interface SpeedtestJobDeps {
  job: string;
  runner: Runner;
  signal: AbortSignal;
  emit: (e: ApiEvent) => void;
  /** Saves the result with the machine's state; returns the history id. */
  save: (result: SpeedtestResult, iface: string | null) => string;
}

type CpuPoint = Extract<ApiEvent, { type: "speedtest.interval" }>["cpu"];

/** Pure: the chart's CPU point from one counters sample (percent of all cores; busiest softirq core). */
export function cpuPoint(s: CounterSample): CpuPoint {
  if (!s.cpuAll) return null;
  let max: { cpu: number; percent: number } | null = null;
  for (const c of s.cpu) if (!max || c.softirq > max.percent) max = { cpu: c.cpu, percent: c.softirq };
  return { system: s.cpuAll.system, softirq: s.cpuAll.softirq, maxSoftirq: max };
}

/** iperf3 -l default for TCP: 128 KiB. */
const BLOCK_LEN = 128 * 1024;

export async function runSpeedtestJob(a: SpeedtestJobArgs, deps: SpeedtestJobDeps) {
  const { job, emit } = deps;
  let latest: CpuPoint = null;
  let iface: string | null = null;
  const result = await runClient({
    host: a.host,
    port: a.port,
    direction: a.direction,
    streams: a.streams,
    time: a.seconds,
    omit: a.omit,
    blockLen: BLOCK_LEN,
    bindAddress: null,
    signal: deps.signal,
    runner: deps.runner,
    sampleCounters: (local) => {
      iface = interfaceFor(a.host, local);
      try {
        const sampler = startCounterSampling({
          iface,
          runner: deps.runner,
          onSample: (s) => {
            latest = cpuPoint(s);
          },
        });
        return () => sampler.stop();
      } catch {
        return () => Promise.resolve(null); // counters are a bonus, never a reason to fail
      }
    },
    onEvent: (e) => {
      if (e.type === "connected")
        emit({ type: "speedtest.connected", job, server: e.server, local: e.local, streams: e.streams });
      if (e.type === "interval") emit({ type: "speedtest.interval", job, interval: e.interval, cpu: latest });
    },
  });
  let historyId: string | null = null;
  let saveError: string | null = null;
  if (a.save) {
    try {
      historyId = deps.save(result, iface);
    } catch (e) {
      saveError = describeError(e).message;
    }
  }
  return { result, historyId, saveError, summary: formatSummary(result) };
}
