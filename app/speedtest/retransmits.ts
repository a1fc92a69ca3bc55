// Node cannot read TCP_INFO, so retransmits of our sending streams come from `ss -tinH` (netlink
// inet_diag, works without root for the user's own sockets), run once at the end of the test.
import type { Runner } from "../system/runner.js";

/** Total retransmits per local port, from `ss -tinH` text. ss omits `retrans:` when it is 0/0. */
export function parseSsRetransmits(text: string): Map<number, number> {
  const out = new Map<number, number>();
  let port: number | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (!/^\s/.test(line)) {
      // State Recv-Q Send-Q Local:Port Peer:Port
      const cols = line.trim().split(/\s+/);
      const local = cols[3] ?? "";
      const m = /:(\d+)$/.exec(local);
      port = m ? Number(m[1]) : null;
      if (port !== null && !out.has(port)) out.set(port, 0);
      continue;
    }
    if (port === null) continue;
    const r = /\bretrans:(\d+)\/(\d+)/.exec(line);
    if (r) out.set(port, Number(r[2]));
  }
  return out;
}

/** Retransmits for each given local port, or null when ss is missing or the socket is gone. */
export async function readRetransmits(
  runner: Runner,
  localPorts: readonly number[],
): Promise<(number | null)[]> {
  const map = await ssRetransmits(runner);
  return localPorts.map((p) => map?.get(p) ?? null);
}

/** Every socket's retransmits by local port, or null when ss cannot run. */
async function ssRetransmits(runner: Runner): Promise<Map<number, number> | null> {
  const r = await runner.run("ss", ["-tinH"], { timeoutMs: 3000 });
  return r.code === 0 ? parseSsRetransmits(r.stdout) : null;
}

/**
 * Samples retransmits once per interval while the test runs: at the very end the server closes
 * (or resets) the data connections, so a single reading after TEST_END can miss them. Counters
 * only grow, so the maximum seen per port is the latest.
 */
export class RetransmitWatcher {
  private readonly best = new Map<number, number>();
  /** Counts at the end of the omitted warm-up: iperf3 restarts counting there. */
  private readonly base = new Map<number, number>();
  private readonly pending = new Set<Promise<void>>();
  private failed = false;

  constructor(
    private readonly runner: Runner,
    private readonly ports: readonly number[],
  ) {}

  /** Takes a reading; with `omitEnd`, what it reads is the zero the result counts from. */
  sample(omitEnd = false): void {
    if (this.failed || this.ports.length === 0) return;
    const p = ssRetransmits(this.runner)
      .then((map) => {
        // Only a missing or failing ss stops the sampling: a reading that does not list a socket yet
        // (taken before it shows, or slow under load) must not cost the whole test its count.
        if (map === null) {
          if (this.best.size === 0) this.failed = true;
          return;
        }
        this.ports.forEach((port) => {
          const v = map.get(port);
          if (v === undefined) return;
          this.best.set(port, Math.max(v, this.best.get(port) ?? 0));
          if (omitEnd) this.base.set(port, v);
        });
      })
      .catch(() => undefined)
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Per port, retransmits since the omit mark (or the start), or null when never seen. */
  async result(): Promise<(number | null)[]> {
    await Promise.all([...this.pending]);
    return this.ports.map((p) => {
      const v = this.best.get(p);
      return v === undefined ? null : Math.max(0, v - (this.base.get(p) ?? 0));
    });
  }
}
