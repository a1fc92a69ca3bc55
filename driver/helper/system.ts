// The helper's view of the machine: every path below `root`, every program through the runner
// with an absolute path, time through an injectable clock. Verbs and the journal use only this.
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { basename } from "node:path";
import { describeFailure, type HelperRunner, type HelperRunResult } from "./runner.js";
import { hostPath, PATHS, TOOLS, type ToolName } from "./paths.js";
import { readText } from "./fsutil.js";
import { parseRingSizes } from "./ethtool.js";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** A command that failed; the message is one line naming the command and its last output. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly result: HelperRunResult,
  ) {
    super(message);
    this.name = "CommandFailed";
  }
}

export interface LinkState {
  iface: string;
  /** Administratively up (IFF_UP in /sys/class/net/IF/flags). */
  up: boolean;
  carrier: boolean;
}

/** Per-command time limits: a DKMS build of atlantic takes ~20 s on 2 cores, initramfs ~40 s. */
const TIMEOUTS: Partial<Record<ToolName, number>> = {
  dkms: 15 * 60_000,
  updateInitramfs: 10 * 60_000,
  dracut: 10 * 60_000,
  lsinitramfs: 2 * 60_000,
  lsinitrd: 2 * 60_000,
};

export class System {
  constructor(
    readonly root: string,
    readonly runner: HelperRunner,
    readonly clock: Clock,
  ) {}

  path(p: string): string {
    return hostPath(this.root, p);
  }

  exists(p: string): boolean {
    return existsSync(this.path(p));
  }

  read(p: string): string | null {
    return readText(this.path(p));
  }

  /** Absolute path of a tool: the first candidate present under root, else the first candidate. */
  tool(name: ToolName): string {
    const candidates: readonly string[] = TOOLS[name];
    return candidates.find((c) => existsSync(this.path(c))) ?? (candidates[0] as string);
  }

  hasTool(name: ToolName): boolean {
    return TOOLS[name].some((c) => existsSync(this.path(c)));
  }

  async tryRun(name: ToolName, args: readonly string[], input?: string): Promise<HelperRunResult> {
    return this.runner.run(this.tool(name), args, {
      timeoutMs: TIMEOUTS[name] ?? 60_000,
      ...(input !== undefined ? { input } : {}),
    });
  }

  /** Runs a tool on the helper's own terminal (a password prompt); throws CommandFailed unless it exits 0. */
  async runInteractive(name: ToolName, args: readonly string[]): Promise<void> {
    const r = await this.runner.run(this.tool(name), args, { timeoutMs: 10 * 60_000, interactive: true });
    if (r.code !== 0) throw new CommandFailed(describeFailure([this.tool(name), ...args], r), r);
  }

  /** Runs a tool and throws CommandFailed unless it exits 0. */
  async run(name: ToolName, args: readonly string[], input?: string): Promise<HelperRunResult> {
    const r = await this.tryRun(name, args, input);
    if (r.code !== 0) throw new CommandFailed(describeFailure([this.tool(name), ...args], r), r);
    return r;
  }

  kernelRelease(): string | null {
    return this.read(PATHS.osRelease);
  }

  moduleLoaded(): boolean {
    return this.exists(PATHS.moduleDir);
  }

  /** The loaded atlantic's rxpageorder, or null when the loaded module is not the patched one. */
  rxPageOrder(): number | null {
    const v = this.read(PATHS.rxPageOrderParam);
    return v !== null && /^[0-9]+$/.test(v) ? Number(v) : null;
  }

  ifaceExists(iface: string): boolean {
    return this.exists(`${PATHS.netDir}/${iface}`);
  }

  /** Name of the driver bound to the interface's device, from the device/driver link. */
  ifaceDriver(iface: string): string | null {
    try {
      return basename(readlinkSync(this.path(`${PATHS.netDir}/${iface}/device/driver`)));
    } catch {
      return null;
    }
  }

  atlanticIfaces(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.path(PATHS.netDir));
    } catch {
      return [];
    }
    return names.filter((n) => this.ifaceDriver(n) === "atlantic").sort();
  }

  link(iface: string): LinkState {
    const flags = this.read(`${PATHS.netDir}/${iface}/flags`);
    const up = flags !== null && /^0x[0-9a-f]+$/i.test(flags) ? (parseInt(flags, 16) & 1) === 1 : false;
    // Reading carrier of a down interface fails with EINVAL: that is "no carrier".
    const carrier = this.read(`${PATHS.netDir}/${iface}/carrier`) === "1";
    return { iface, up, carrier };
  }

  /** Polls carrier until it is up or `timeoutMs` passed. */
  async waitForCarrier(iface: string, timeoutMs: number, pollMs = 250): Promise<boolean> {
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      if (this.ifaceExists(iface) && this.link(iface).carrier) return true;
      if (this.clock.now() >= deadline) return false;
      await this.clock.sleep(pollMs);
    }
  }

  async rxRing(iface: string): Promise<{ current: number; max: number } | null> {
    const r = await this.tryRun("ethtool", ["-g", iface]);
    return r.code === 0 ? parseRingSizes(r.stdout) : null;
  }
}
