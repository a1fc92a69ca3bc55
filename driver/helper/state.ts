// /var/lib/tenbolt/state.json: what the helper installed and applied, and what was there before, so
// that uninstall and revert can bring back exactly the previous state.
import { PATHS } from "./paths.js";
import type { PresetName } from "./presets.js";
import type { System } from "./system.js";

export interface FileBefore {
  /** Base64 of the bytes, or null when the file did not exist. */
  content: string | null;
  mode: number | null;
}

export interface AppliedPreset {
  name: PresetName;
  appliedAt: string;
  rxPageOrder: number;
  rxRing: number;
  /** The state before Tenbolt's first preset on this interface; kept across later presets. */
  before: {
    modprobeConf: FileBefore;
    udevRule: FileBefore;
    /** rxpageorder of the loaded module, null when the module was the stock one. */
    rxPageOrder: number | null;
    rxRing: number | null;
  };
}

/** The DKMS package installed for one kernel (each kernel series has its own package version). */
export interface InstalledDriver {
  name: string;
  version: string;
  installedAt: string;
}

export interface HelperState {
  schemaVersion: 1;
  /** Kernel release -> the package installed for it. */
  drivers: Record<string, InstalledDriver>;
  /** Interface -> the applied preset. */
  presets: Record<string, AppliedPreset>;
}

export const EMPTY_STATE: HelperState = { schemaVersion: 1, drivers: {}, presets: {} };

export function readState(sys: System): HelperState {
  const text = sys.read(PATHS.state);
  if (text === null) return structuredClone(EMPTY_STATE);
  try {
    const s = JSON.parse(text) as HelperState;
    if (s.schemaVersion !== 1) throw new Error("unknown schema");
    return { schemaVersion: 1, drivers: s.drivers ?? {}, presets: s.presets ?? {} };
  } catch {
    throw new Error(`${PATHS.state} is not readable state; move it aside to start over`);
  }
}

export function stateText(s: HelperState): string {
  return JSON.stringify(s, null, 2) + "\n";
}
