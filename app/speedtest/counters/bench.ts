// Benchmark (not a test): cost of one counter sample on this machine, and of one `ethtool -S` spawn.
// Usage: npm run build && node dist/app/speedtest/counters/bench.js [IFACE]
import { SysRoot } from "../../sysfs/root.js";
import { systemRunner } from "../../system/runner.js";
import { FileCounters } from "./sampler.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const iface = process.argv[2] ?? "lo";
const fc = new FileCounters(new SysRoot("/"), `/sys/class/net/${iface}`, performance.now());
const times: number[] = [];
for (let i = 0; i < 2000; i++) {
  const t0 = performance.now();
  fc.sample(performance.now(), 0);
  times.push(performance.now() - t0);
}
const ms = median(times);
console.log(
  `file sample (${iface}): median ${(ms * 1000).toFixed(0)} us, p99 ${(
    [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.99)]! * 1000
  ).toFixed(0)} us; budget 5 ms -> ${(5 / ms).toFixed(0)}x headroom`,
);

const spawns: number[] = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  const r = await systemRunner.run("ethtool", ["-S", iface], { timeoutMs: 2000 });
  spawns.push(performance.now() - t0);
  if (r.spawnError) {
    console.log("ethtool: not installed");
    break;
  }
}
if (spawns.length > 0)
  console.log(`ethtool -S ${iface}: median ${median(spawns).toFixed(1)} ms per spawn (at most 1/s)`);
