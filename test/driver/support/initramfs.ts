// A busybox initramfs that loads the patched atlantic and its dependencies and reports, one
// "TENBOLT key=value" line each, what the parameter accepts and refuses at load time and at write time.
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Runner } from "../../../app/system/runner.js";

/** modules.dep: module path -> its direct dependencies (paths relative to the modules dir). */
export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) deps.set(m[1] as string, (m[2] as string).split(/\s+/).filter(Boolean));
  }
  return deps;
}

/** Module name as the kernel sees it ("nf-nat.ko.xz" -> "nf_nat"). */
export function moduleName(path: string): string {
  return basename(path)
    .replace(/\.ko(\.(xz|gz|zst))?$/, "")
    .replace(/-/g, "_");
}

/** Paths of `names` and everything they depend on, dependencies first. */
export function loadOrder(names: string[], deps: Map<string, string[]>): string[] {
  const byName = new Map([...deps.keys()].map((p) => [moduleName(p), p]));
  const order: string[] = [];
  const visit = (path: string, stack: string[]) => {
    if (order.includes(path) || stack.includes(path)) return;
    for (const d of deps.get(path) ?? []) visit(d, [...stack, path]);
    order.push(path);
  };
  for (const n of names) {
    const p = byName.get(n.replace(/-/g, "_"));
    if (!p) throw new Error(`module ${n} is not in this kernel's modules.dep`);
    visit(p, []);
  }
  return order;
}

export const INIT_SCRIPT = `#!/bin/busybox sh
B=/bin/busybox
$B mount -t proc proc /proc
$B mount -t sysfs sysfs /sys
# No /dev/console in the archive (creating it needs mknod): take the console from devtmpfs.
$B mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
P=/sys/module/atlantic/parameters/rxpageorder
r() { $B echo "TENBOLT $1=$2"; }
for m in $($B cat /deps.order); do
  $B insmod /deps/$m 2>/dev/null && r dep.$m loaded || r dep.$m failed
done
if $B insmod /atlantic.ko rxpageorder=4 2>/dev/null; then r load.4 accepted; $B rmmod atlantic; else r load.4 refused; fi
if $B insmod /atlantic.ko rxpageorder=x 2>/dev/null; then r load.x accepted; $B rmmod atlantic; else r load.x refused; fi
if $B insmod /atlantic.ko rxpageorder=2; then r load.2 accepted; else r load.2 refused; fi
r initial "$($B cat $P)"
r mode "$($B stat -c %a $P)"
for v in 0 1 2 3 4 x -1 7; do
  if ( echo $v > $P ) 2>/dev/null; then res=accepted; else res=refused; fi
  r write.$v "$res,$($B cat $P)"
done
[ -d /sys/bus/pci/drivers/atlantic ] && r pcidriver registered || r pcidriver missing
r done 1
$B poweroff -f
`;

/**
 * Writes the initramfs (uncompressed newc cpio) for `atlantic` and the dependency modules (decompressed,
 * since busybox insmod takes plain ELF). Returns the cpio path.
 */
export async function buildInitramfs(opts: {
  workDir: string;
  busybox: string;
  atlantic: string;
  modulesDir: string;
  dependencies: string[];
  runner: Runner;
}): Promise<string> {
  const root = join(opts.workDir, "root");
  for (const d of ["bin", "proc", "sys", "dev", "deps"]) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(opts.busybox, join(root, "bin", "busybox"));
  chmodSync(join(root, "bin", "busybox"), 0o755);
  const names: string[] = [];
  for (const rel of opts.dependencies) {
    const src = join(opts.modulesDir, rel);
    const name = `${moduleName(rel)}.ko`;
    const dest = join(root, "deps", name);
    if (src.endsWith(".xz")) {
      copyFileSync(src, `${dest}.xz`);
      const r = await opts.runner.run("xz", ["-d", `${dest}.xz`], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`xz -d ${dest}.xz: ${r.stderr}`);
    } else copyFileSync(src, dest);
    names.push(name);
  }
  writeFileSync(join(root, "deps.order"), names.join("\n") + "\n");
  copyFileSync(opts.atlantic, join(root, "atlantic.ko"));
  writeFileSync(join(root, "init"), INIT_SCRIPT, { mode: 0o755 });
  const list = ["init", "deps.order", "atlantic.ko", "bin", "bin/busybox", "proc", "sys", "dev", "deps"]
    .concat(names.map((n) => `deps/${n}`))
    .join("\n");
  const cpio = join(opts.workDir, "initramfs.cpio");
  const r = await opts.runner.run("cpio", ["-o", "-H", "newc", "--quiet", "-F", cpio], {
    cwd: root,
    input: list + "\n",
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`cpio: ${r.stderr}`);
  return cpio;
}
