// `tenbolt driver build --kernel KVER --source PATH --out DIR [--dry-run]`: patch and build atlantic.ko
// for a kernel without installing anything (packagers, tests). Other `driver` subcommands live elsewhere.
import { homedir, release } from "node:os";
import { join, resolve } from "node:path";
import type { RegisterCommand } from "./commands.js";
import { commandGroup } from "./group.js";
import { buildAtlantic } from "../driver/build.js";
import { systemRunner } from "../system/runner.js";
import { UsageError } from "../errors.js";

interface BuildFlags {
  kernel?: string;
  source?: string;
  out: string;
  dryRun?: boolean;
  download?: boolean;
  jobs?: string;
}

/** Downloaded kernel sources are kept per user, like other caches. */
function downloadCache(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(base, "tenbolt", "kernel-org");
}

export const registerDriverBuild: RegisterCommand = (program, io) => {
  commandGroup(program, "driver", "the patched atlantic driver: build, install, status")
    .command("build")
    .description("patch atlantic and build atlantic.ko for a kernel, without installing anything")
    .option("--kernel <KVER>", "kernel release to build for (default: the running kernel, uname -r)")
    .option("--source <PATH>", "kernel source tree or tarball (default: /usr/src/linux-source-X.Y.tar.xz)")
    .requiredOption("--out <DIR>", "directory that receives atlantic.ko")
    .option(
      "--download",
      "with no --source: download the kernel's exact release from kernel.org (about 140 MB), kept only if its sha256 matches",
    )
    .option("--jobs <N>", "parallel compile jobs (default: number of CPUs)")
    .option("--dry-run", "print every command and file change, do nothing")
    .action(async (flags: BuildFlags) => {
      const jobs = flags.jobs === undefined ? undefined : Number(flags.jobs);
      if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 256)) {
        throw new UsageError(
          `--jobs must be a whole number from 1 to 256, not ${JSON.stringify(flags.jobs)}`,
        );
      }
      const prefix = flags.dryRun ? "would run: " : "";
      await buildAtlantic({
        kernelRelease: flags.kernel ?? release(),
        // Relative paths are the user's, from the current directory.
        ...(flags.source !== undefined ? { source: resolve(flags.source) } : {}),
        outDir: resolve(flags.out),
        runner: systemRunner,
        dryRun: Boolean(flags.dryRun),
        ...(jobs !== undefined ? { jobs } : {}),
        ...(flags.download ? { download: { cacheDir: downloadCache(io.env) } } : {}),
        progress: (line) => io.out(`${prefix}${line}\n`),
      });
    });
};
