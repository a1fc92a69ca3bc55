// Network interfaces from sys/class/net: the one whose `device` link resolves to a PCI device.
// carrier and speed cannot be read while the interface is down (EINVAL): they stay null.
import type { SysRoot } from "../sysfs/root.js";

export interface NetInterface {
  name: string;
  /** Canonical in-root path of the PCI device the interface belongs to. */
  devicePath: string;
  mac: string | null;
  operstate: string | null;
  carrier: boolean | null;
  speedMbps: number | null;
  mtu: number | null;
}

const CLASS_NET = "/sys/class/net";
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function readNetInterfaces(sys: SysRoot): NetInterface[] {
  const out: NetInterface[] = [];
  for (const name of sys.list(CLASS_NET)) {
    const base = `${CLASS_NET}/${name}`;
    const devicePath = sys.exists(`${base}/device`) ? sys.resolve(`${base}/device`) : null;
    if (devicePath === null) continue; // virtual interfaces (lo, bridges) have no device
    const mac = sys.readAttr(`${base}/address`)?.toLowerCase() ?? null;
    const carrier = sys.readAttr(`${base}/carrier`);
    const speed = sys.readInt(`${base}/speed`);
    out.push({
      name,
      devicePath,
      mac: mac !== null && MAC.test(mac) ? mac : null,
      operstate: sys.readAttr(`${base}/operstate`),
      carrier: carrier === "1" ? true : carrier === "0" ? false : null,
      // -1 (SPEED_UNKNOWN) is what a link without carrier reports on some drivers.
      speedMbps: speed !== null && speed > 0 ? speed : null,
      mtu: sys.readInt(`${base}/mtu`),
    });
  }
  return out;
}
