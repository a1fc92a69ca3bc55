// What the one service needs from its face: where to read, how to run programs and the root helper,
// where to keep data. The CLI's `tenbolt ui`, the Electron main process and tests each build one.
import type { Runner } from "../system/runner.js";
import type { HelperEvent } from "../elevation/helper-client.js";
import type { ApiEvent } from "./contract.js";
import type { ServiceMethods } from "./dispatch.js";

/** Runs one root-helper verb (pkexec in production, the fake machine in tests), relaying its events. */
export type HelperCall = (args: string[], onEvent: (e: HelperEvent) => void) => Promise<HelperEvent>;

export interface Autostart {
  /** Writes or removes the XDG autostart entry. */
  set(enabled: boolean, hidden: boolean): void;
}

export interface ServiceDeps {
  /** Root directory detection reads: "/" on a live machine, a captured tree otherwise. */
  root: string;
  /** Detection reads a captured tree: every call that would change the system is refused, saying so. */
  captured: boolean;
  face: "electron" | "web";
  runner: Runner;
  helper: HelperCall;
  /** $XDG_DATA_HOME/tenbolt: history, presets.json. */
  dataDir: string;
  /** $XDG_CONFIG_HOME/tenbolt: settings.json. */
  configDir: string;
  /** Where the face writes its log (shown in About). */
  logDir: string;
  /** Present where start at login can be set (the desktop app). */
  autostart?: Autostart | null;
  versions?: { electron: string | null; chromium: string | null };
  now?: () => Date;
}

export type HotplugChange = Extract<ApiEvent, { type: "hotplug" }>["change"];

export interface TenboltService extends ServiceMethods {
  /** Every event the service pushes; returns the function that unsubscribes. */
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** The hot-plug watcher saw something: re-detect, push `hotplug` and (if changed) `state`. */
  hotplug(change: HotplugChange, text: string): Promise<void>;
  /** Stops a running speed test and drops listeners. */
  close(): void;
}
