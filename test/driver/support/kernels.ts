// The kernels the driver tests build for: Debian's generic amd64 flavour of each series whose headers
// are installed (/lib/modules/KVER/build), newest ABI first.
import { existsSync, readdirSync } from "node:fs";

export const SERIES = ["6.12", "6.1"] as const;
export type Series = (typeof SERIES)[number];

/** Numeric parts of a release, for sorting "6.1.0-56-amd64" after "6.1.0-9-amd64". */
function key(release: string): number[] {
  return (release.match(/\d+/g) ?? []).map(Number);
}

function newerFirst(a: string, b: string): number {
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (kb[i] ?? -1) - (ka[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Installed header trees of the series (generic -amd64 flavour only), newest first. */
export function installedKernels(series: Series, modulesDir = "/lib/modules"): string[] {
  if (!existsSync(modulesDir)) return [];
  const prefix = `${series}.`;
  return readdirSync(modulesDir)
    .filter((r) => r.startsWith(prefix) && /^\d+\.\d+\.\d+[-+][\w.+-]*-amd64$/.test(r))
    .filter((r) => !/-(cloud|rt)-amd64$/.test(r))
    .filter((r) => existsSync(`${modulesDir}/${r}/build/Makefile`))
    .sort(newerFirst);
}

export function sourceTarball(series: Series): string {
  return `/usr/src/linux-source-${series}.tar.xz`;
}
