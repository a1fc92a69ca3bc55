// The shell's small decisions, pure: what closing the window does, when to notify, which arguments the
// tray's quick speed test sends.
import type { ApiEvent, MethodArgs } from "../api/contract.js";

/** Closing hides to the tray when a tray is shown; otherwise (or when quitting) the app ends. */
export function closeAction(o: { trayShown: boolean; quitting: boolean }): "hide" | "quit" {
  return o.trayShown && !o.quitting ? "hide" : "quit";
}

/** `--hidden` starts in the tray, but only when there is a tray to find the app in. */
export function startHidden(argv: readonly string[], trayShown: boolean): boolean {
  return trayShown && argv.includes("--hidden");
}

export interface Notice {
  title: string;
  body: string;
}

const HOTPLUG_TITLES: Record<string, string> = {
  added: "Adapter connected",
  removed: "Adapter disconnected",
  authorized: "Thunderbolt device authorized",
  "link-up": "Link up",
  "link-down": "Link down",
};

/**
 * Hot-plug worth a notification: plugged, unplugged, authorized, link up/down, not a generic "changed",
 * and not while the window is focused (it already shows it). The same text within 10 s is shown once.
 */
export function hotplugNotice(
  e: ApiEvent,
  ctx: { windowFocused: boolean; last: { text: string; at: number } | null; now: number },
): Notice | null {
  if (e.type !== "hotplug") return null;
  const title = HOTPLUG_TITLES[e.change];
  if (title === undefined || ctx.windowFocused) return null;
  if (ctx.last && ctx.last.text === e.text && ctx.now - ctx.last.at < 10_000) return null;
  return { title, body: e.text };
}

/** The tray's quick test: 5 s download from `host`, saved to history like any other. */
export function quickSpeedtestArgs(host: string): MethodArgs<"speedtest.run"> {
  return { host, direction: "download", seconds: 5, streams: 1, save: true };
}

/** The quick test's result as a notification, success or failure. */
export function speedtestNotice(
  host: string,
  r: { ok: true; bitsPerSecond: number } | { ok: false; message: string },
): Notice {
  return r.ok
    ? {
        title: "Quick speed test",
        body: `${(r.bitsPerSecond / 1e9).toFixed(2)} Gbit/s download from ${host}`,
      }
    : { title: "Quick speed test failed", body: r.message };
}
