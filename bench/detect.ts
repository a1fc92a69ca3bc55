// `npm run bench`: wall time of `tenbolt detect --json --root <fixture>` as a whole process (Node
// start-up, module loading, detection, diagnosis, JSON), median of RUNS runs per fixture, against
// the 300 ms target. Also the bare `node -e ""` start-up, to show what part Tenbolt adds.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_MS = 300;
const repo = fileURLToPath(new URL("../../", import.meta.url));
const bin = `${repo}bin/tenbolt.js`;
const fixtures = ["amd-strix-qna-t310g1s-stock", "amd-strix-dock-aqc113-chain", "laptop-no-adapter"];

function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: repo,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 30_000,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr?.toString().trim()}`);
  return ms;
}

function stats(args: string[]): { median: number; min: number; max: number } {
  wallMs(args); // warm the file cache
  const runs = Array.from({ length: RUNS }, () => wallMs(args)).sort((a, b) => a - b);
  return {
    median: runs[Math.floor(runs.length / 2)] as number,
    min: runs[0] as number,
    max: runs[runs.length - 1] as number,
  };
}

const fmt = (n: number) => n.toFixed(1).padStart(7);
const base = stats(["-e", ""]);
const cli = stats([bin, "--version"]);
console.log(`tenbolt detect --json, whole process, median of ${RUNS} runs (target < ${TARGET_MS} ms)`);
console.log(
  `${"case".padEnd(40)} ${"median".padStart(7)} ${"min".padStart(7)} ${"max".padStart(7)}  vs target  over node start-up`,
);
console.log(
  `${"node -e '' (start-up only)".padEnd(40)} ${fmt(base.median)} ${fmt(base.min)} ${fmt(base.max)}`,
);
console.log(
  `${"tenbolt --version (CLI load only)".padEnd(40)} ${fmt(cli.median)} ${fmt(cli.min)} ${fmt(cli.max)}`,
);
let worst = 0;
for (const f of fixtures) {
  const s = stats([bin, "detect", "--json", "--root", `${repo}test/fixtures/${f}`]);
  worst = Math.max(worst, s.median);
  console.log(
    `${f.padEnd(40)} ${fmt(s.median)} ${fmt(s.min)} ${fmt(s.max)}  ${(s.median / TARGET_MS).toFixed(2).padStart(5)}x     +${(s.median - base.median).toFixed(1)} ms`,
  );
}
// Tenbolt's own share: import of the detection modules + one detection + JSON, timed inside a process.
const inner = `const t0 = performance.now();
const { detectReport } = await import(${JSON.stringify(`${repo}dist/app/detect/full-report.js`)});
JSON.stringify(detectReport(${JSON.stringify(`${repo}test/fixtures/${fixtures[0]}`)}));
process.stdout.write(String(performance.now() - t0));`;
const own = Array.from({ length: RUNS }, () => {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", inner], { cwd: repo, timeout: 30_000 });
  return Number(r.stdout.toString());
}).sort((a, b) => a - b);
console.log(
  `${"detection alone (import+detect+JSON)".padEnd(40)} ${fmt(own[Math.floor(own.length / 2)] as number)} ${fmt(own[0] as number)} ${fmt(own[own.length - 1] as number)}  in-process, ${fixtures[0]}`,
);
console.log(
  worst < TARGET_MS
    ? `OK: worst median ${worst.toFixed(1)} ms < ${TARGET_MS} ms`
    : `OVER TARGET: worst median ${worst.toFixed(1)} ms`,
);
