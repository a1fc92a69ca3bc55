// The user's own record of applied presets ($XDG_DATA_HOME/tenbolt/presets.json), next to the
// speed-test history, so faces can show what is in effect and since when. Written crash-safely.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tenboltDataDir } from "../history/paths.js";
import { writeFileAtomic } from "../history/atomic-write.js";
import type { PresetName } from "./catalog.js";

export interface AppliedRecord {
  preset: PresetName;
  at: string;
  verified: { rxPageOrder: number; rxRing: number; carrier: boolean };
}

export interface UserPresetState {
  schemaVersion: 1;
  interfaces: Record<string, AppliedRecord>;
  /** Newest last; bounded. */
  log: { at: string; iface: string; action: "apply" | "revert"; preset: PresetName | null }[];
}

const FILE = "presets.json";
const LOG_MAX = 200;

export function readUserState(dataDir: string = tenboltDataDir()): UserPresetState {
  try {
    const s = JSON.parse(readFileSync(join(dataDir, FILE), "utf8")) as UserPresetState;
    if (s.schemaVersion === 1) return { schemaVersion: 1, interfaces: s.interfaces ?? {}, log: s.log ?? [] };
  } catch {
    // Missing or unreadable: start empty (the helper's state.json is the authority for reverting).
  }
  return { schemaVersion: 1, interfaces: {}, log: [] };
}

export function recordUserState(
  dataDir: string,
  iface: string,
  action: "apply" | "revert",
  rec: AppliedRecord | null,
): UserPresetState {
  const s = readUserState(dataDir);
  if (rec) s.interfaces[iface] = rec;
  else delete s.interfaces[iface];
  s.log.push({ at: rec?.at ?? new Date().toISOString(), iface, action, preset: rec?.preset ?? null });
  s.log = s.log.slice(-LOG_MAX);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(dataDir, FILE, JSON.stringify(s, null, 2) + "\n", 0o600);
  return s;
}
