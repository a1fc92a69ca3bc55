// The tray's menu as data, decided from the app state alone, so every label and every enabled/disabled
// rule is tested without Electron. main/tray.ts turns it into an Electron Menu on every state change.
import type { AppState, Settings } from "../api/contract.js";

/** The preset the tray's one checkbox applies and reverts. */
export const TRAY_PRESET = "iommu-safe-performance";

export type TrayAction =
  | { kind: "preset"; action: "apply"; iface: string }
  | { kind: "preset"; action: "revert"; iface: string }
  | { kind: "navigate"; screen: "driver" }
  | { kind: "quick-speedtest"; host: string }
  | { kind: "open" }
  | { kind: "quit" };

export type TrayItem =
  | { type: "status"; label: string }
  | { type: "separator" }
  | { type: "checkbox"; label: string; checked: boolean; enabled: boolean; action: TrayAction | null }
  | { type: "action"; label: string; enabled: boolean; action: TrayAction | null };

export const ICON_STATES = ["no-adapter", "slow", "fast", "working"] as const;
export type IconState = (typeof ICON_STATES)[number];

/** main/assets/tray/tenbolt-<state>[-symbolic].png, made by main/assets/tray/generate.sh. */
export function iconFile(icon: IconState, symbolic: boolean): string {
  return `tenbolt-${icon}${symbolic ? "-symbolic" : ""}.png`;
}

export interface TrayModel {
  icon: IconState;
  tooltip: string;
  items: TrayItem[];
}

type Adapter = AppState["report"]["adapters"][number];

function gbit(mbps: number): string {
  return `${(mbps / 1000).toFixed(mbps % 1000 === 0 ? 0 : 1)} Gbit/s`;
}

/** The adapter the tray speaks about: the first one with an interface. */
export function trayAdapter(state: AppState): Adapter | null {
  return state.report.adapters.find((a) => a.nic.interface !== null) ?? state.report.adapters[0] ?? null;
}

/**
 * Slow: the link is down or below the chip's speed, or receive pays the IOMMU's per-page cost (strict
 * translation with order-0 pages). Fast otherwise.
 */
export function iconState(state: AppState | null): IconState {
  if (state === null) return "working";
  if (state.busy !== null) return "working";
  const a = trayAdapter(state);
  if (a === null) return "no-adapter";
  if (a.nic.carrier !== true) return "slow";
  const max = a.nic.maxSpeedMbps;
  if (a.nic.linkSpeedMbps !== null && max !== null && a.nic.linkSpeedMbps < max) return "slow";
  const order = a.driver.rxPageOrder ?? 0;
  if (a.iommu.translated === true && order < 3) return "slow";
  return "fast";
}

/** The server the quick test uses: the last one used, else the default server. */
export function quickServer(state: AppState | null, settings: Settings | null): string | null {
  const last = settings?.recentServers[0] ?? state?.lastSpeedtest?.server ?? null;
  if (last) return last;
  return settings && settings.defaultServer !== "" ? settings.defaultServer : null;
}

export function trayModel(state: AppState | null, settings: Settings | null): TrayModel {
  const icon = iconState(state);
  const items: TrayItem[] = [];
  if (state === null) {
    items.push({ type: "status", label: "Detecting…" });
  } else {
    const a = trayAdapter(state);
    if (a === null) {
      items.push({ type: "status", label: "No adapter found" });
    } else {
      const name = a.model ?? a.nic.vendorName ?? "Network adapter";
      items.push({ type: "status", label: a.nic.chip ? `${name} (${a.nic.chip})` : name });
      const speed =
        a.nic.carrier !== true ? "link down" : a.nic.linkSpeedMbps ? gbit(a.nic.linkSpeedMbps) : "link up";
      items.push({ type: "status", label: `Link: ${speed}` });
    }
    const iface = a?.nic.interface ?? null;
    const preset = iface !== null ? (state.presets[iface] ?? null) : null;
    items.push({ type: "status", label: `Preset: ${preset ?? "none"}` });
    const last = state.lastSpeedtest;
    items.push({
      type: "status",
      label: last
        ? `Last test: ${(last.bitsPerSecond / 1e9).toFixed(2)} Gbit/s ${last.direction} from ${last.server}`
        : "Last test: none",
    });
    items.push({ type: "separator" });

    const busy = state.busy !== null;
    const checked = preset === TRAY_PRESET;
    if (iface === null) {
      items.push({
        type: "checkbox",
        label: "IOMMU-safe performance (no adapter)",
        checked: false,
        enabled: false,
        action: null,
      });
    } else if (!state.driver.module.patched && !checked) {
      items.push({
        type: "checkbox",
        label: "IOMMU-safe performance (needs the patched driver)",
        checked: false,
        enabled: false,
        action: null,
      });
      items.push({
        type: "action",
        label: "Install the patched driver…",
        enabled: true,
        action: { kind: "navigate", screen: "driver" },
      });
    } else {
      items.push({
        type: "checkbox",
        label: "IOMMU-safe performance",
        checked,
        enabled: !busy,
        action: checked
          ? { kind: "preset", action: "revert", iface }
          : { kind: "preset", action: "apply", iface },
      });
    }
    const host = quickServer(state, settings);
    items.push({
      type: "action",
      label: host ? `Run quick speed test (${host})` : "Run quick speed test (no server set)",
      enabled: host !== null && !busy && iface !== null,
      action: host ? { kind: "quick-speedtest", host } : null,
    });
  }
  items.push({ type: "separator" });
  items.push({ type: "action", label: "Open Tenbolt", enabled: true, action: { kind: "open" } });
  items.push({ type: "action", label: "Quit", enabled: true, action: { kind: "quit" } });
  const first = items.find((i) => i.type === "status");
  return { icon, tooltip: `Tenbolt: ${first && first.type === "status" ? first.label : ""}`, items };
}
