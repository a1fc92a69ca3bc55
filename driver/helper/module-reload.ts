// Reloading atlantic recreates its interfaces: every link drops. The undo (reload again once the
// files are back) is journaled first; the step fails, and so rolls back, if a link that had carrier
// does not get it back within the bound.
import type { Journal } from "./journal.js";
import type { VerbContext } from "./context.js";

export interface ReloadExpectation {
  /** The module that must be loaded afterwards: the patched one (has rxpageorder) or the stock one. */
  patched: boolean;
}

export async function reloadAtlantic(ctx: VerbContext, j: Journal, expect: ReloadExpectation): Promise<void> {
  const { sys } = ctx;
  const ifaces = sys.atlanticIfaces().map((iface) => {
    const l = sys.link(iface);
    return { iface, up: l.up, hadCarrier: l.carrier };
  });
  const names = ifaces.map((i) => i.iface).join(", ") || "none";
  await j.step(
    "reload-module",
    `reload atlantic (interfaces ${names} go down for a few seconds)`,
    [{ kind: "reload-module", wasPatched: sys.rxPageOrder() !== null, ifaces }],
    async () => {
      await sys.run("rmmod", ["atlantic"]);
      await sys.run("modprobe", ["atlantic"]);
      // Nothing may be managing the link (a manual `ip link set up`): bring back what was up.
      for (const l of ifaces)
        if (l.up && sys.ifaceExists(l.iface)) await sys.run("ip", ["link", "set", "dev", l.iface, "up"]);
      const patched = sys.rxPageOrder() !== null;
      if (patched !== expect.patched)
        throw new Error(
          expect.patched
            ? "the reloaded atlantic has no rxpageorder parameter: the patched module was not the one loaded"
            : "the reloaded atlantic still has rxpageorder: the stock module was not the one loaded",
        );
      for (const l of ifaces) {
        if (!l.hadCarrier) continue;
        if (!(await sys.waitForCarrier(l.iface, ctx.carrierTimeoutMs)))
          throw new Error(`${l.iface} did not get its link back within ${ctx.carrierTimeoutMs / 1000} s`);
      }
    },
  );
}
