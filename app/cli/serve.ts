// `tenbolt serve`: an iperf3-compatible server, so `iperf3 -c THIS-HOST` (also -R, -P, --bidir)
// works against this machine. Runs until Ctrl-C, or for one test with --once.
import type { RegisterCommand } from "./commands.js";
import { UsageError } from "../errors.js";

export const registerServe: RegisterCommand = (program, io) => {
  program
    .command("serve")
    .description("act as an iperf3 server (iperf3 -c this-host works against it)")
    .option("-p, --port <port>", "port to listen on", "5201")
    .option("-B, --bind <addr>", "address to listen on (default: all, IPv4 and IPv6)")
    .option("-1, --once", "serve one test, then exit")
    .action(async (o: { port: string; bind?: string; once?: boolean }) => {
      if (!/^\d+$/.test(o.port) || Number(o.port) < 1 || Number(o.port) > 65535)
        throw new UsageError(`--port must be 1-65535, not '${o.port}'`);
      const [{ SpeedtestServer }, { formatRate }, { SpeedtestError }] = await Promise.all([
        import("../speedtest/server.js"),
        import("../speedtest/format.js"),
        import("../speedtest/errors.js"),
      ]);
      const server = await SpeedtestServer.listen({
        port: Number(o.port),
        bind: o.bind ?? null,
        once: Boolean(o.once),
        onEvent: (e) => {
          switch (e.type) {
            case "listening":
              io.out(
                `listening on ${e.address.includes(":") ? `[${e.address}]` : e.address}:${e.port} (iperf3 protocol, TCP)\n`,
              );
              break;
            case "test-start":
              io.out(
                `${e.client}: ${e.direction}, ${e.streams} stream${e.streams > 1 ? "s" : ""}${e.ignored.length ? ` (ignored: ${e.ignored.join(", ")})` : ""}\n`,
              );
              break;
            case "refused-busy":
              io.out(`${e.client}: refused, a test is running\n`);
              break;
            case "test-done": {
              const rate = (b: number, s: number) => formatRate(s > 0 ? (b * 8) / s : 0);
              const parts = [
                e.receivedBytes > 0 ? `received ${rate(e.receivedBytes, e.seconds)}` : "",
                e.sentBytes > 0 ? `sent ${rate(e.sentBytes, e.sendSeconds)}` : "",
              ].filter(Boolean);
              io.out(`${e.client}: done in ${e.seconds.toFixed(2)} s, ${parts.join(", ")}\n`);
              break;
            }
            case "test-failed":
              io.out(`${e.client}: test ended: ${e.reason}\n`);
              break;
          }
        },
      }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "EADDRINUSE")
          throw new SpeedtestError(
            "address-in-use",
            `port ${o.port} is already in use`,
            "stop the other server (iperf3 -s?) or use --port",
          );
        if (e.code === "EADDRNOTAVAIL" || e.code === "EINVAL")
          throw new SpeedtestError(
            "bind",
            `cannot listen on '${o.bind}' (${e.code})`,
            "use an address of this host",
          );
        if (e.code === "EACCES")
          throw new SpeedtestError(
            "bind",
            `no permission to listen on port ${o.port}`,
            "use a port above 1023",
          );
        throw e;
      });
      const stop = () => void server.close();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        await server.closed;
      } finally {
        process.removeListener("SIGINT", stop);
        process.removeListener("SIGTERM", stop);
      }
    });
};
