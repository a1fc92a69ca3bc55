// Where atlantic's source for a kernel comes from, and whether the kernel's headers are there: a
// distribution source package (/usr/src/linux-source-X.Y.tar.* or its extracted tree), or a tree or
// tarball the user names. A source of another X.Y is refused with the package to install.
//
// Downloading the exact release from kernel.org, with consent, is kernel-org.ts.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { UsageError, UserError } from "../errors.js";
import {
  kernelSeries,
  parseMakefileVersion,
  sameSeries,
  seriesText,
  sourcePackage,
  versionText,
  type KernelSeries,
} from "../../driver/helper/kernel-version.js";
import { ATLANTIC_SUBDIR } from "../../driver/helper/atlantic-patch.js";

export type AtlanticSource =
  | { kind: "tree"; path: string; version: string }
  /** The tarball's exact version is read when it is unpacked; the name gives the series if it can. */
  | { kind: "tarball"; path: string; series: KernelSeries | null };

const TARBALL = /\.tar(\.(xz|gz|bz2|zst))?$/;

function seriesOf(release: string): KernelSeries {
  const s = kernelSeries(release);
  if (!s) throw new UsageError(`kernel release ${JSON.stringify(release)} does not look like \`uname -r\``);
  return s;
}

function mismatch(what: string, release: string, series: KernelSeries): UserError {
  return new UserError(
    `${what}, but kernel ${release} needs Linux ${seriesText(series)} sources`,
    `install them with: sudo apt install ${sourcePackage(series)} (or give a ${seriesText(series)} tree or tarball with --source)`,
  );
}

/** A tree directory: must hold atlantic and a Makefile of the kernel's series. */
function treeSource(path: string, release: string, series: KernelSeries, root: string): AtlanticSource {
  const makefile = join(root, path, "Makefile");
  const version = existsSync(makefile) ? parseMakefileVersion(readFileSync(makefile, "utf8")) : null;
  if (!version || !existsSync(join(root, path, ATLANTIC_SUBDIR)))
    throw new UserError(
      `${path} is not a kernel source tree (no versioned Makefile or no ${ATLANTIC_SUBDIR})`,
      "give the top directory of a kernel tree, or a tarball such as /usr/src/linux-source-6.12.tar.xz",
    );
  if (!sameSeries(version, series))
    throw mismatch(`${path} is Linux ${versionText(version)}`, release, series);
  return { kind: "tree", path, version: versionText(version) };
}

function tarballSource(path: string, release: string, series: KernelSeries): AtlanticSource {
  const m = /linux(?:-source)?-(\d+)\.(\d+)(?:\.\d+)?\.tar/.exec(basename(path));
  const named = m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
  if (named && !sameSeries(named, series))
    throw mismatch(`${path} is Linux ${seriesText(named)}`, release, series);
  return { kind: "tarball", path, series: named };
}

/** The source to build atlantic for `release` from: the one given, or the distribution's. */
export function findAtlanticSource(release: string, given?: string, root = "/"): AtlanticSource {
  const series = seriesOf(release);
  if (given !== undefined) {
    const st = statSync(join(root, given), { throwIfNoEntry: false });
    if (!st)
      throw new UserError(`${given} does not exist`, "give a kernel source tree or tarball with --source");
    if (st.isDirectory()) return treeSource(given, release, series, root);
    if (!TARBALL.test(given))
      throw new UserError(
        `${given} is neither a directory nor a .tar/.tar.xz/.tar.gz/.tar.bz2/.tar.zst file`,
      );
    return tarballSource(given, release, series);
  }
  const base = `/usr/src/${sourcePackage(series)}`;
  if (existsSync(join(root, base, "Makefile"))) return treeSource(base, release, series, root);
  for (const ext of [".tar.xz", ".tar.bz2", ".tar.gz", ".tar.zst", ".tar"]) {
    if (existsSync(join(root, base + ext))) return tarballSource(base + ext, release, series);
  }
  throw new UserError(
    `no Linux ${seriesText(series)} source found for kernel ${release} (looked for ${base}.tar.xz and ${base}/)`,
    `install it with: sudo apt install ${sourcePackage(series)} (or give a tree or tarball with --source PATH)`,
  );
}

/** The kernel's build tree (headers); refuses with the package to install when missing. */
export function headersDir(release: string, root = "/"): string {
  seriesOf(release);
  if (release.includes("/") || release.startsWith("."))
    throw new UsageError(`kernel release ${JSON.stringify(release)} does not look like \`uname -r\``);
  const dir = `/lib/modules/${release}/build`;
  if (!existsSync(join(root, dir, "Makefile")))
    throw new UserError(
      `the headers of kernel ${release} are not installed (${dir} is missing)`,
      `install them with: sudo apt install linux-headers-${release} (Fedora: kernel-devel-${release})`,
    );
  return dir;
}
