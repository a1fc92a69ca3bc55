// Start at login through an XDG autostart entry ($XDG_CONFIG_HOME/autostart, freedesktop.org Desktop
// Application Autostart Specification). Tenbolt writes and removes only its own file, atomically.
import { mkdirSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../history/atomic-write.js";
import type { Autostart } from "../api/service-deps.js";

export const AUTOSTART_FILE = "org.tenbolt.Tenbolt.desktop";

export function autostartDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith("/")
      ? env.XDG_CONFIG_HOME
      : join(env.HOME || homedir(), ".config");
  return join(base, "autostart");
}

/** Quotes one Exec argument as the Desktop Entry spec asks (reserved characters inside double quotes). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_\-./=:+,@%]+$/.test(arg)) return arg.replace(/%/g, "%%");
  return `"${arg.replace(/([\\"`$])/g, "\\$1").replace(/%/g, "%%")}"`;
}

export function autostartEntry(command: readonly string[], hidden: boolean): string {
  const exec = [...command, ...(hidden ? ["--hidden"] : [])].map(quoteExecArg).join(" ");
  return [
    "[Desktop Entry]",
    "Type=Application",
    "Name=Tenbolt",
    "Comment=Thunderbolt 10 GbE at line rate with the IOMMU on",
    `Exec=${exec}`,
    "Icon=org.tenbolt.Tenbolt",
    "Terminal=false",
    "X-GNOME-Autostart-enabled=true",
    "",
  ].join("\n");
}

export class XdgAutostart implements Autostart {
  private readonly dir: string;

  /** `command`: the program and arguments that start Tenbolt (the packaged binary, or electron + app dir). */
  constructor(private readonly o: { command: readonly string[]; env?: NodeJS.ProcessEnv }) {
    if (o.command.length === 0) throw new Error("autostart needs the command that starts Tenbolt");
    this.dir = autostartDir(o.env);
  }

  get path(): string {
    return join(this.dir, AUTOSTART_FILE);
  }

  set(enabled: boolean, hidden: boolean): void {
    if (enabled) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(this.dir, AUTOSTART_FILE, autostartEntry(this.o.command, hidden), 0o644);
      return;
    }
    try {
      unlinkSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}
