// Watches for adapters plugged, unplugged or authorized and links going up or down. `udevadm monitor`
// (thunderbolt and net subsystems) triggers a re-read at once where it exists; the sysfs tree is also
// polled every 2 s, because a carrier change sends no uevent (the kernel reports it over rtnetlink).
// Triggers are debounced: a plug produces a burst of uevents and a link flap settles in a few hundred ms.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { classify, readSnapshot, type Change, type Snapshot } from "./snapshot.js";
import type { HotplugChange } from "../api/service-deps.js";

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/** Starts a long-running line source (udevadm monitor); returns how to stop it. Null when it cannot run. */
export type LineSource = (onLine: (line: string) => void) => { stop(): void } | null;

export const UDEVADM_ARGS = ["monitor", "--udev", "--subsystem-match=thunderbolt", "--subsystem-match=net"];

/** `udevadm monitor` through spawn (argv only), when udevadm is installed. */
export function udevadmSource(path = "/usr/bin/udevadm"): LineSource {
  return (onLine) => {
    if (!existsSync(path)) return null;
    const child = spawn(path, UDEVADM_ARGS, { stdio: ["ignore", "pipe", "ignore"] });
    child.on("error", () => undefined);
    let buf = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    return { stop: () => void child.kill() };
  };
}

/** A udev event line ("UDEV  [123.4] add  /devices/... (thunderbolt)") worth a re-read. */
export function isUdevEvent(line: string): boolean {
  return /^UDEV\s+\[[\d.]+\]\s+(add|remove|change|bind|unbind|move)\s+\S+\s+\((thunderbolt|net)\)/.test(line);
}

export interface WatcherOptions {
  root: string;
  onChange: (change: HotplugChange, text: string) => void;
  pollMs?: number;
  debounceMs?: number;
  clock?: Clock;
  source?: LineSource | null;
  read?: (root: string) => Snapshot;
}

/** Collapses a burst of triggers into one call, `ms` after the last. */
export function debouncer(clock: Clock, ms: number, fn: () => void): { trigger(): void; cancel(): void } {
  let handle: unknown = null;
  return {
    trigger() {
      if (handle !== null) clock.clearTimeout(handle);
      handle = clock.setTimeout(() => {
        handle = null;
        fn();
      }, ms);
    },
    cancel() {
      if (handle !== null) clock.clearTimeout(handle);
      handle = null;
    },
  };
}

/** Reports one change per settled burst: the most significant, with the others' text joined. */
export function summarize(changes: Change[]): Change | null {
  const first = changes[0];
  if (!first) return null;
  return { change: first.change, text: changes.map((c) => c.text).join("; ") };
}

export function startHotplugWatcher(o: WatcherOptions): { stop(): void; check(): void } {
  const clock = o.clock ?? realClock;
  const read = o.read ?? readSnapshot;
  let last = read(o.root);
  const check = () => {
    const next = read(o.root);
    const s = summarize(classify(last, next));
    last = next;
    if (s) o.onChange(s.change, s.text);
  };
  const d = debouncer(clock, o.debounceMs ?? 500, check);
  const source = o.source === undefined ? udevadmSource() : o.source;
  const running = source ? source((line) => (isUdevEvent(line) ? d.trigger() : undefined)) : null;
  const poll = clock.setInterval(() => d.trigger(), o.pollMs ?? 2000);
  return {
    check,
    stop() {
      clock.clearInterval(poll);
      d.cancel();
      running?.stop();
    },
  };
}
