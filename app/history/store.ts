// The history store: one JSON file per result, written atomically; listing skips anything that is not a
// complete Tenbolt entry (a temporary file left by a crash, a foreign or corrupt file) with a warning.
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { isTempName, writeFileAtomic } from "./atomic-write.js";
import { historyDir, type DataDirOptions } from "./paths.js";
import { HISTORY_FORMAT, HistoryEntrySchema, type HistoryContext, type HistoryEntry } from "./schema.js";

/** A result file bigger than this is not ours (a result with its counters is a few hundred KiB at most). */
const MAX_ENTRY_BYTES = 16 << 20;

export interface NewHistoryEntry {
  /** The speed test's JSON result (an object). */
  result: object;
  context: HistoryContext;
  /** Default: now. */
  savedAt?: Date;
}

function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^\w+: /, "")}` : String(e);
}

/** "2026-11-26T11:45:47.123Z" -> "20261126T114547123Z-1a2b3c": sortable, file-name safe, unique. */
function newId(savedAt: Date): string {
  const stamp = savedAt.toISOString().replace(/[-:]/g, "").replace(".", "");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/** Saves one result; returns the entry as stored. Earlier results are never touched. */
export function saveResult(entry: NewHistoryEntry, opts: DataDirOptions = {}): HistoryEntry {
  const savedAt = entry.savedAt ?? new Date();
  const candidate = {
    format: HISTORY_FORMAT,
    id: newId(savedAt),
    savedAt: savedAt.toISOString(),
    result: entry.result,
    context: entry.context,
  };
  const parsed = HistoryEntrySchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `cannot save the result: ${issue ? `${issue.path.join(".") || "entry"}: ${issue.message}` : "invalid entry"}`,
    );
  }
  const dir = historyDir(opts);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(dir, `${parsed.data.id}.json`, JSON.stringify(parsed.data, null, 2) + "\n");
  } catch (e) {
    throw new UserError(
      `cannot save the result in ${dir} (${ioMessage(e)})`,
      "check that the folder is writable and the disk is not full, or set XDG_DATA_HOME",
    );
  }
  return parsed.data;
}

export interface ListOptions extends DataDirOptions {
  /** At most this many entries (the newest). */
  limit?: number;
  /** Told about every file that was skipped and why (default: ignored). */
  onWarning?: (message: string) => void;
}

function readEntry(dir: string, name: string): HistoryEntry | string {
  const path = join(dir, name);
  let text: string;
  try {
    if (statSync(path).size > MAX_ENTRY_BYTES) return "too large to be a Tenbolt result";
    text = readFileSync(path, "utf8");
  } catch (e) {
    return `cannot be read (${ioMessage(e)})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "not valid JSON (damaged or cut short)";
  }
  const parsed = HistoryEntrySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not a Tenbolt history entry (${issue ? `${issue.path.join(".") || "entry"}: ${issue.message}` : "invalid"})`;
  }
  return parsed.data;
}

/** Saved results, newest first. A missing folder is an empty history. */
export function listResults(opts: ListOptions = {}): HistoryEntry[] {
  const dir = historyDir(opts);
  const warn = opts.onWarning ?? (() => undefined);
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    throw new UserError(
      `cannot read the history folder ${dir} (${ioMessage(e)})`,
      code === "ENOTDIR" ? "move the file out of the way or set XDG_DATA_HOME" : undefined,
    );
  }
  const entries: HistoryEntry[] = [];
  for (const d of names) {
    // Leftovers of an interrupted save, and anything that is not a plain .json file, are not results.
    if (isTempName(d.name)) continue;
    if (!d.isFile() || !d.name.endsWith(".json")) {
      warn(`skipped ${join(dir, d.name)}: not a Tenbolt history file`);
      continue;
    }
    const entry = readEntry(dir, d.name);
    if (typeof entry === "string") warn(`skipped ${join(dir, d.name)}: ${entry}`);
    else entries.push(entry);
  }
  entries.sort(
    (a, b) => Date.parse(b.savedAt) - Date.parse(a.savedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
  return opts.limit !== undefined ? entries.slice(0, Math.max(0, opts.limit)) : entries;
}
