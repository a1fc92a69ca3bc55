// `tenbolt detect [--root DIR] [--json]`. Detection modules are imported on use so that
// `tenbolt --help` and other commands do not pay for them.
import type { RegisterCommand } from "./commands.js";
import { UsageError } from "../errors.js";

export const registerDetect: RegisterCommand = (program, io) => {
  program
    .command("detect")
    .description("find Thunderbolt 10 GbE adapters and report driver, IOMMU and link state, with findings")
    .option("--root <dir>", "read a captured tree (from 'tenbolt capture') instead of this machine", "/")
    .option("--json", "print the report as JSON (fields in docs/detection.md)")
    .action(async (opts: { root: string; json?: boolean }) => {
      if (opts.root.trim() === "") throw new UsageError("--root needs a directory", "e.g. --root ./capture");
      const { detectReport } = await import("../detect/full-report.js");
      const report = detectReport(opts.root);
      if (opts.json) {
        io.out(JSON.stringify(report, null, 2) + "\n");
        return;
      }
      const { renderReport } = await import("./render-report.js");
      io.out(renderReport(report, { color: io.isTty && !io.env.NO_COLOR }));
    });
};
