// Argument checks that need to look at the machine, still before anything runs: the interface must
// exist, the Thunderbolt device must exist, and a source path must be system-owned all the way,
// because it will be compiled into the kernel (never build code an unprivileged user could edit).
import { lstatSync, readdirSync, type Stats } from "node:fs";
import { join } from "node:path";
import { Refused, type HelperCommand } from "./args.js";
import { PATHS } from "./paths.js";
import type { System } from "./system.js";

/** The part of a source tree that is compiled: checked file by file. */
const DRIVER_SUBTREE = "drivers/net/ethernet/aquantia";

function unsafe(st: Stats): string | null {
  if (st.isSymbolicLink()) return "is a symbolic link";
  if (st.uid !== 0) return `is owned by uid ${st.uid}, not root`;
  if ((st.mode & 0o022) !== 0) return "is writable by group or others";
  return null;
}

function walkUnsafe(hostDir: string, shown: string, budget: { n: number }): string | null {
  for (const name of readdirSync(hostDir)) {
    if (--budget.n < 0) return `${shown} has too many files to check`;
    const p = join(hostDir, name);
    const st = lstatSync(p);
    const why = unsafe(st);
    if (why) return `${shown}/${name} ${why}`;
    if (st.isDirectory()) {
      const deeper = walkUnsafe(p, `${shown}/${name}`, budget);
      if (deeper) return deeper;
    }
  }
  return null;
}

/** Why the source path may not be used, or null when every component is root-owned and not writable by others. */
export function sourcePathProblem(sys: System, source: string): string | null {
  const parts = source.split("/").filter(Boolean);
  let shown = "";
  let st: Stats | null = null;
  for (const part of parts) {
    shown += "/" + part;
    try {
      st = lstatSync(sys.path(shown));
    } catch {
      return `${shown} does not exist`;
    }
    const why = unsafe(st);
    if (why) return `${shown} ${why}`;
  }
  if (st?.isDirectory()) {
    const sub = `${source}/${DRIVER_SUBTREE}`;
    try {
      lstatSync(sys.path(sub));
    } catch {
      return `${source} has no ${DRIVER_SUBTREE} (not a kernel source tree)`;
    }
    return walkUnsafe(sys.path(sub), sub, { n: 5000 });
  }
  return null;
}

/** Checks that need the file system; throws Refused (exit 2) before any change. */
export function checkAgainstSystem(sys: System, cmd: HelperCommand): void {
  switch (cmd.verb) {
    case "apply-preset":
    case "revert-preset":
      if (!sys.ifaceExists(cmd.iface))
        throw new Refused("--iface", `no network interface ${cmd.iface} in ${PATHS.netDir}`);
      if (sys.ifaceDriver(cmd.iface) !== "atlantic")
        throw new Refused(
          "--iface",
          `${cmd.iface} is not driven by atlantic (driver: ${sys.ifaceDriver(cmd.iface) ?? "none"})`,
        );
      return;
    case "install-driver":
      if (cmd.source !== undefined) {
        const why = sourcePathProblem(sys, cmd.source);
        if (why) throw new Refused("--source", `refusing ${cmd.source}: ${why}`);
      }
      return;
    case "authorize-thunderbolt":
      if (!sys.exists(`${PATHS.thunderboltDevices}/${cmd.device}/authorized`))
        throw new Refused("DEVICE", `no Thunderbolt device ${cmd.device} with an authorized attribute`);
      return;
    default:
      return;
  }
}
