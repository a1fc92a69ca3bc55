// CPU use of this process (all threads) over a span, as iperf3 reports it: % of one core.
import { performance } from "node:perf_hooks";

export interface CpuPercent {
  total: number;
  user: number;
  system: number;
}

export function cpuMeter(): { since(): CpuPercent } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    since() {
      const d = process.cpuUsage(c0);
      const wallUs = Math.max(1, (performance.now() - t0) * 1000);
      const pct = (us: number) => Math.round((us / wallUs) * 100 * 1000) / 1000;
      return { total: pct(d.user + d.system), user: pct(d.user), system: pct(d.system) };
    },
  };
}
