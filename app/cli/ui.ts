// `tenbolt ui [--port N] [--root DIR] [--open]`: the local web UI on 127.0.0.1 (see docs/web-ui.md).
// The URL with its token is the first line on stdout; runs until SIGINT/SIGTERM.
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import type { RegisterCommand } from "./commands.js";
import { UsageError } from "../errors.js";

/** The renderer's build output inside this package (dist/app/cli -> dist/renderer). */
export const RENDERER_DIR = fileURLToPath(new URL("../../renderer/", import.meta.url));

export const registerUi: RegisterCommand = (program, io) => {
  program
    .command("ui")
    .description("serve the Tenbolt UI on 127.0.0.1 (for SSH tunnels and machines without a desktop)")
    .option("-p, --port <port>", "port to listen on (0: any free port)", "7310")
    .option("--root <dir>", "show a captured tree (from 'tenbolt capture'); changes are refused", "/")
    .option("--open", "open the URL in the system browser")
    .action(async (o: { port: string; root: string; open?: boolean }) => {
      if (!/^\d+$/.test(o.port) || Number(o.port) > 65535)
        throw new UsageError(`--port must be 0-65535, not '${o.port}'`, "0 picks a free port");
      if (o.root.trim() === "") throw new UsageError("--root needs a directory", "e.g. --root ./capture");
      const [{ startWebHost }, { createService }, { productionDeps }] = await Promise.all([
        import("../web/host.js"),
        import("../api/service.js"),
        import("../api/production.js"),
      ]);
      const service = createService(productionDeps({ root: o.root, face: "web" }));
      const host = await startWebHost({ service, staticDir: RENDERER_DIR, port: Number(o.port) }).catch(
        (e: NodeJS.ErrnoException) => {
          if (e.code === "EADDRINUSE")
            throw new UsageError(`port ${o.port} is already in use`, "use --port 0 for any free port");
          throw e;
        },
      );
      io.out(host.url + "\n");
      if (o.open)
        spawn("xdg-open", [host.url], { stdio: "ignore", detached: true })
          .on("error", () => {
            io.err(`could not run xdg-open; open ${host.url} yourself\n`);
          })
          .unref();
      await new Promise<void>((done) => {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      await host.close();
      service.close();
    });
};
