// Where history lives: $XDG_DATA_HOME/tenbolt/history, or ~/.local/share/tenbolt/history
// (XDG Base Directory spec: an unset, empty or relative XDG_DATA_HOME is ignored).
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

export interface DataDirOptions {
  /** Tenbolt's data directory (normally $XDG_DATA_HOME/tenbolt); history goes in its `history/`. */
  dataDir?: string;
  /** Environment to read XDG_DATA_HOME and HOME from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export function tenboltDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "tenbolt");
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir();
  return join(home, ".local", "share", "tenbolt");
}

export function historyDir(opts: DataDirOptions = {}): string {
  return join(opts.dataDir ?? tenboltDataDir(opts.env), "history");
}
