// Kernel versions as the driver build needs them: the X.Y of a release (`uname -r`) decides which
// source fits, and the full X.Y.Z of a source tree names the DKMS package.

export interface KernelSeries {
  major: number;
  minor: number;
}

export interface SourceVersion extends KernelSeries {
  sublevel: number;
}

/** "6.12.117+deb12-amd64" -> 6.12, "6.1.0-56-amd64" -> 6.1; null for anything else. */
export function kernelSeries(release: string): KernelSeries | null {
  const m = /^(\d{1,3})\.(\d{1,3})(?:[.\-+~_]|$)/.exec(release);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** VERSION / PATCHLEVEL / SUBLEVEL from the top of a kernel tree's Makefile; null if absent. */
export function parseMakefileVersion(makefile: string): SourceVersion | null {
  const field = (name: string): number | null => {
    const m = new RegExp(`^${name}\\s*=\\s*(\\d+)\\s*$`, "m").exec(makefile);
    return m ? Number(m[1]) : null;
  };
  const major = field("VERSION");
  const minor = field("PATCHLEVEL");
  const sublevel = field("SUBLEVEL");
  if (major === null || minor === null || sublevel === null) return null;
  return { major, minor, sublevel };
}

export function seriesText(v: KernelSeries): string {
  return `${v.major}.${v.minor}`;
}

export function versionText(v: SourceVersion): string {
  return `${v.major}.${v.minor}.${v.sublevel}`;
}

export function sameSeries(a: KernelSeries, b: KernelSeries): boolean {
  return a.major === b.major && a.minor === b.minor;
}

/** The Debian/Ubuntu package that ships the full source of a series. */
export function sourcePackage(v: KernelSeries): string {
  return `linux-source-${seriesText(v)}`;
}
