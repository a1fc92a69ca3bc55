// Debian's kernel image package for a release, downloaded with apt-get and unpacked with dpkg-deb -x
// into the test cache: no maintainer scripts run, nothing is installed on the machine.
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Runner } from "../../../app/system/runner.js";
import { cacheDir } from "./cache.js";

export interface KernelImage {
  release: string;
  vmlinuz: string;
  /** <unpacked>/lib/modules/<release> */
  modulesDir: string;
}

async function must(
  runner: Runner,
  cmd: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
) {
  const r = await runner.run(cmd, args, { timeoutMs: 10 * 60_000, ...opts });
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(" ")}: exit ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  return r;
}

export async function kernelImage(release: string, runner: Runner): Promise<KernelImage> {
  const base = cacheDir("images", release);
  const root = join(base, "root");
  const image: KernelImage = {
    release,
    vmlinuz: join(root, "boot", `vmlinuz-${release}`),
    modulesDir: join(root, "lib", "modules", release),
  };
  if (existsSync(image.vmlinuz) && existsSync(join(image.modulesDir, "modules.dep"))) return image;
  // The signed image (linux-signed-amd64) often lags a security update; the unsigned build of the
  // same release is the same kernel and is what the headers' version always has.
  const names = [`linux-image-${release}`, `linux-image-${release}-unsigned`];
  const cached = () =>
    readdirSync(base).find((f) => names.some((n) => f.startsWith(`${n}_`)) && f.endsWith(".deb"));
  const failures: string[] = [];
  for (const pkg of names) {
    if (cached()) break;
    const r = await runner.run("apt-get", ["download", pkg], { cwd: base, timeoutMs: 10 * 60_000 });
    if (r.code !== 0) failures.push(`${pkg}: ${(r.stderr || r.stdout).trim()}`);
  }
  const deb = cached();
  if (!deb) throw new Error(`apt-get download found no kernel image: ${failures.join("; ")}`);
  const tmp = join(base, "root.partial");
  rmSync(tmp, { recursive: true, force: true });
  await must(runner, "dpkg-deb", ["-x", join(base, deb), tmp]);
  // The package does not ship modules.dep (its postinst runs depmod): generate it inside the copy.
  await must(runner, "depmod", ["-b", tmp, "-F", join(tmp, "boot", `System.map-${release}`), release]);
  rmSync(root, { recursive: true, force: true });
  renameSync(tmp, root);
  return image;
}
