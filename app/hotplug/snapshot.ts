// What hot-plug compares: Thunderbolt devices with their authorized flag and network interfaces with
// carrier and operstate, read under a root dir. A change is the difference of two snapshots, so udev
// events and polling lead to the same classification.
import { SysRoot } from "../sysfs/root.js";
import type { HotplugChange } from "../api/service-deps.js";

export interface Snapshot {
  /** Thunderbolt device name ("0-1") -> authorized ("0", "1", "2"; null when unreadable). */
  tb: Record<string, { authorized: string | null; name: string | null }>;
  /** Interface -> carrier (null when down/unreadable) and operstate. */
  net: Record<string, { carrier: boolean | null; operstate: string | null }>;
}

export function readSnapshot(root: string): Snapshot {
  const sys = new SysRoot(root);
  const tb: Snapshot["tb"] = {};
  for (const dev of sys.list("/sys/bus/thunderbolt/devices")) {
    const base = `/sys/bus/thunderbolt/devices/${dev}`;
    if (!sys.exists(`${base}/authorized`)) continue; // domains, retimers, XDomain services
    tb[dev] = { authorized: sys.readAttr(`${base}/authorized`), name: sys.readAttr(`${base}/device_name`) };
  }
  const net: Snapshot["net"] = {};
  for (const iface of sys.list("/sys/class/net")) {
    if (iface === "lo") continue;
    const carrier = sys.readAttr(`/sys/class/net/${iface}/carrier`);
    net[iface] = {
      carrier: carrier === "1" ? true : carrier === "0" ? false : null,
      operstate: sys.readAttr(`/sys/class/net/${iface}/operstate`),
    };
  }
  return { tb, net };
}

export interface Change {
  change: HotplugChange;
  text: string;
}

function up(n: { carrier: boolean | null; operstate: string | null }): boolean {
  return n.carrier === true && n.operstate !== "down";
}

/** Every difference between two snapshots, most significant first (plugged, authorized, link). */
export function classify(before: Snapshot, after: Snapshot): Change[] {
  const out: Change[] = [];
  for (const [dev, d] of Object.entries(after.tb)) {
    const label = d.name ? `${d.name} (${dev})` : `Thunderbolt device ${dev}`;
    const old = before.tb[dev];
    if (!old) out.push({ change: "added", text: `${label} connected` });
    else if (old.authorized === "0" && d.authorized !== "0" && d.authorized !== null)
      out.push({ change: "authorized", text: `${label} authorized` });
    else if (old.authorized !== d.authorized) out.push({ change: "changed", text: `${label} changed` });
  }
  for (const [dev, d] of Object.entries(before.tb)) {
    if (!after.tb[dev])
      out.push({ change: "removed", text: `${d.name ?? `Thunderbolt device ${dev}`} disconnected` });
  }
  for (const [iface, n] of Object.entries(after.net)) {
    const old = before.net[iface];
    if (!old) out.push({ change: "added", text: `Interface ${iface} appeared` });
    else if (!up(old) && up(n)) out.push({ change: "link-up", text: `${iface}: link up` });
    else if (up(old) && !up(n)) out.push({ change: "link-down", text: `${iface}: link down` });
  }
  for (const iface of Object.keys(before.net)) {
    if (!after.net[iface]) out.push({ change: "removed", text: `Interface ${iface} went away` });
  }
  const rank: Record<HotplugChange, number> = {
    removed: 0,
    added: 1,
    authorized: 2,
    "link-down": 3,
    "link-up": 4,
    changed: 5,
  };
  return out.sort((a, b) => rank[a.change] - rank[b.change]);
}
