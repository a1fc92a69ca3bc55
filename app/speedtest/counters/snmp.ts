// /proc/net/snmp: pairs of lines per protocol, a header line of names and a line of values
// ("Tcp: RtoAlgorithm ... RetransSegs ..." / "Tcp: 1 ... 42 ..."). Per network namespace.

export function parseSnmp(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = /^(\w+):\s+(.*)$/.exec(lines[i] as string);
    const vals = /^(\w+):\s+(.*)$/.exec(lines[i + 1] as string);
    if (!head || !vals || head[1] !== vals[1]) {
      // Out of step (a truncated or foreign file): resynchronise on the next line.
      i -= 1;
      continue;
    }
    const names = (head[2] as string).trim().split(/\s+/);
    const values = (vals[2] as string).trim().split(/\s+/).map(Number);
    const row = new Map<string, number>();
    names.forEach((n, j) => {
      const v = values[j];
      if (v !== undefined && Number.isFinite(v)) row.set(n, v);
    });
    out.set(head[1] as string, row);
  }
  return out;
}

export interface TcpCounters {
  outSegs: number | null;
  retransSegs: number | null;
  inSegs: number | null;
  inErrs: number | null;
}

export function tcpCounters(snmp: Map<string, Map<string, number>>): TcpCounters | null {
  const tcp = snmp.get("Tcp");
  if (!tcp) return null;
  return {
    outSegs: tcp.get("OutSegs") ?? null,
    retransSegs: tcp.get("RetransSegs") ?? null,
    inSegs: tcp.get("InSegs") ?? null,
    inErrs: tcp.get("InErrs") ?? null,
  };
}
