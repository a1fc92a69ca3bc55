// `tenbolt capture [--root DIR] --out DIR`: copies exactly the sysfs/procfs files detection reads
// into a new folder, for bug reports and test fixtures.
import type { RegisterCommand } from "./commands.js";
import { UsageError } from "../errors.js";

export const registerCapture: RegisterCommand = (program, io) => {
  program
    .command("capture")
    .description("copy the files detection reads into a new folder (attach it to a bug report)")
    .option("--root <dir>", "capture from a tree instead of this machine", "/")
    .requiredOption("--out <dir>", "new or empty folder to write the capture to")
    .action(async (opts: { root: string; out: string }) => {
      if (opts.root.trim() === "") throw new UsageError("--root needs a directory", "e.g. --root /");
      if (opts.out.trim() === "")
        throw new UsageError("--out needs a folder name", "e.g. --out ./tenbolt-capture");
      const { capture } = await import("../capture/capture.js");
      const r = capture(opts.root, opts.out);
      io.out(
        `Captured ${r.files} files, ${r.links} symlinks and ${r.dirs} directories into ${r.out}\n` +
          `Check it with: tenbolt detect --root ${r.out}\n` +
          `It holds PCI/Thunderbolt/IOMMU attributes, interface names and MAC addresses, and the kernel command line.\n`,
      );
    });
};
