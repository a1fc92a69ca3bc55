// `tenbolt history [--json] [--limit N]`: saved speed test results, newest first.
import type { RegisterCommand } from "./commands.js";
import type { CliIo } from "./io.js";
import { UsageError } from "../errors.js";
import { historyDir, listResults } from "../history/index.js";
import { historyRow, type HistoryRow } from "../history/row.js";

function parseLimit(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new UsageError(`--limit needs a positive whole number, not '${v}'`, "e.g. --limit 10");
  return Number(v);
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Local time, minutes precision: what a person compares runs by. */
export function formatDate(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

function gbps(bps: number | null): string {
  return bps === null ? "-" : (bps / 1e9).toFixed(2);
}

const COLUMNS: { title: string; right?: boolean; cell: (r: HistoryRow) => string }[] = [
  { title: "date", cell: (r) => formatDate(r.savedAt) },
  { title: "host", cell: (r) => r.host ?? "-" },
  { title: "direction", cell: (r) => r.direction ?? "-" },
  { title: "sent Gbit/s", right: true, cell: (r) => gbps(r.sentBitsPerSecond) },
  { title: "received Gbit/s", right: true, cell: (r) => gbps(r.receivedBitsPerSecond) },
  { title: "streams", right: true, cell: (r) => (r.streams === null ? "-" : String(r.streams)) },
  { title: "page order", right: true, cell: (r) => (r.rxPageOrder === null ? "-" : String(r.rxPageOrder)) },
  { title: "preset", cell: (r) => r.preset ?? "-" },
];

export function renderHistoryTable(rows: HistoryRow[]): string {
  const cells = [COLUMNS.map((c) => c.title), ...rows.map((r) => COLUMNS.map((c) => c.cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? "").length)));
  return (
    cells
      .map((line) =>
        line
          .map((cell, i) => (COLUMNS[i]?.right ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

function run(io: CliIo, opts: { json?: boolean; limit?: string }) {
  const limit = parseLimit(opts.limit);
  const entries = listResults({
    env: io.env,
    ...(limit !== undefined ? { limit } : {}),
    onWarning: (m) => io.err(`tenbolt: ${m}\n`),
  });
  if (opts.json) {
    io.out(JSON.stringify(entries, null, 2) + "\n");
    return;
  }
  if (entries.length === 0) {
    io.out(`No speed test results saved yet (they are kept in ${historyDir({ env: io.env })}).\n`);
    return;
  }
  io.out(renderHistoryTable(entries.map(historyRow)));
}

export const registerHistory: RegisterCommand = (program, io) => {
  program
    .command("history")
    .description("list saved speed test results, newest first")
    .option("--json", "print the saved entries as a JSON array (fields in docs/history.md)")
    .option("--limit <n>", "show only the newest N results")
    .action((opts: { json?: boolean; limit?: string }) => run(io, opts));
};
