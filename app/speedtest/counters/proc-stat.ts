// /proc/stat: cumulative CPU time per core in clock ticks, and the per-interval split in percent.
// Fields (proc(5)): user nice system idle iowait irq softirq steal guest guest_nice. guest and guest_nice
// are already counted in user and nice, so they are left out of the total.

export const CPU_FIELDS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;
export type CpuField = (typeof CPU_FIELDS)[number];

export type CpuTicks = Record<CpuField, number>;

/** Cumulative ticks: `all` is the "cpu" line, `cores` the "cpuN" lines by core number. */
export interface ProcStat {
  all: CpuTicks | null;
  cores: Map<number, CpuTicks>;
}

export function parseProcStat(text: string): ProcStat {
  const cores = new Map<number, CpuTicks>();
  let all: CpuTicks | null = null;
  for (const line of text.split("\n")) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    const nums = (m[2] as string).trim().split(/\s+/).map(Number);
    // Kernels before 2.6.11 lack steal; anything with fewer than 4 numbers is not a cpu line.
    if (nums.length < 4 || nums.some((n) => !Number.isFinite(n) || n < 0)) continue;
    const ticks = Object.fromEntries(CPU_FIELDS.map((f, i) => [f, nums[i] ?? 0])) as CpuTicks;
    if (m[1] === "") all = ticks;
    else cores.set(Number(m[1]), ticks);
  }
  return { all, cores };
}

/** Share of one interval per field, in percent (0-100), plus busy = everything but idle and iowait. */
export type CpuPercent = Record<CpuField, number> & { busy: number };

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Percent split between two readings; null when the counters went backwards or no time passed. */
export function cpuPercent(prev: CpuTicks, cur: CpuTicks): CpuPercent | null {
  const d = Object.fromEntries(CPU_FIELDS.map((f) => [f, cur[f] - prev[f]])) as CpuTicks;
  if (CPU_FIELDS.some((f) => d[f] < 0)) return null;
  const total = CPU_FIELDS.reduce((s, f) => s + d[f], 0);
  if (total <= 0) return null;
  const pct = Object.fromEntries(CPU_FIELDS.map((f) => [f, round1((d[f] / total) * 100)])) as Record<
    CpuField,
    number
  >;
  return { ...pct, busy: round1(((total - d.idle - d.iowait) / total) * 100) };
}
