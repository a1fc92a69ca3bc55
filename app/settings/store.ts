// The user's settings ($XDG_CONFIG_HOME/tenbolt/settings.json): start at login, start hidden, the
// default speed-test server and the recently used ones. Written atomically; a missing or damaged
// file gives the defaults (and is replaced on the next change), never an error.
import { mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../history/atomic-write.js";

export const SETTINGS_FILE = "settings.json";
export const RECENT_MAX = 10;

const StoredSchema = z.object({
  schemaVersion: z.literal(1),
  startAtLogin: z.boolean().catch(false),
  startHidden: z.boolean().catch(false),
  defaultServer: z.string().max(253).catch(""),
  recentServers: z.array(z.string().max(253)).catch([]),
});

export type StoredSettings = Omit<z.infer<typeof StoredSchema>, "schemaVersion">;

export const DEFAULT_SETTINGS: StoredSettings = {
  startAtLogin: false,
  startHidden: false,
  defaultServer: "",
  recentServers: [],
};

/** $XDG_CONFIG_HOME/tenbolt, or ~/.config/tenbolt (an unset or relative XDG_CONFIG_HOME is ignored). */
export function tenboltConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "tenbolt");
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir();
  return join(home, ".config", "tenbolt");
}

/** $XDG_STATE_HOME/tenbolt, or ~/.local/state/tenbolt: where the faces write their logs. */
export function tenboltStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "tenbolt");
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir();
  return join(home, ".local", "state", "tenbolt");
}

export function readSettings(configDir: string): StoredSettings {
  try {
    const parsed = StoredSchema.safeParse(JSON.parse(readFileSync(join(configDir, SETTINGS_FILE), "utf8")));
    if (parsed.success) {
      const { schemaVersion: _v, ...s } = parsed.data;
      return { ...s, recentServers: s.recentServers.slice(0, RECENT_MAX) };
    }
  } catch {
    // missing or damaged: the defaults
  }
  return { ...DEFAULT_SETTINGS, recentServers: [] };
}

export function writeSettings(configDir: string, s: StoredSettings): StoredSettings {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(
    configDir,
    SETTINGS_FILE,
    JSON.stringify({ schemaVersion: 1, ...s }, null, 2) + "\n",
    0o600,
  );
  return s;
}

/** Pure: the recent list with `server` in front, without duplicates, bounded. */
export function withRecent(recent: readonly string[], server: string): string[] {
  return [server, ...recent.filter((r) => r !== server)].slice(0, RECENT_MAX);
}
