// Thunderbolt/USB4 domains and routers from sys/bus/thunderbolt/devices. Each entry links into the
// device tree: domainN sits below its host interface (NHI) PCI device, routers nest below their
// parent router (…/domain1/1-0/1-2/1-502), which gives the daisy chain without parsing routes.
import { posix } from "node:path";
import type { SysRoot } from "../sysfs/root.js";
import { isPciAddress } from "./pci.js";

export interface TbDomain {
  name: string; // "domain1"
  index: number;
  security: string | null;
  dmaProtection: boolean | null;
  /** PCI address of the host interface (NHI) the domain belongs to, when the path shows it. */
  nhi: string | null;
}

export interface TbRouter {
  device: string; // "1-502"
  domainIndex: number;
  domain: string | null;
  /** Route string as a hex number ("502"); "0" is the host router. */
  route: string;
  isHost: boolean;
  /** Name of the router it hangs off ("1-2" for "1-502"), null for the host router. */
  parent: string | null;
  depth: number;
  vendorName: string | null;
  deviceName: string | null;
  /** null when the attribute is missing or not 0/1/2. */
  authorized: boolean | null;
  generation: number | null;
  rxSpeed: string | null;
  txSpeed: string | null;
  rxLanes: number | null;
  txLanes: number | null;
  uniqueId: string | null;
}

const TB_DEVICES = "/sys/bus/thunderbolt/devices";
const ROUTER = /^(\d+)-([0-9a-f]+)$/;
const DOMAIN = /^domain(\d+)$/;

export function readThunderbolt(sys: SysRoot): { domains: TbDomain[]; routers: TbRouter[] } {
  const domains: TbDomain[] = [];
  const routers: TbRouter[] = [];
  for (const name of sys.list(TB_DEVICES)) {
    const d = DOMAIN.exec(name);
    if (d) {
      domains.push(readDomain(sys, name, Number(d[1])));
      continue;
    }
    const r = ROUTER.exec(name);
    // Host-to-host (XDomain) connections share the router naming; they carry no PCIe.
    if (r && !isXDomain(sys, name)) routers.push(readRouter(sys, name, Number(r[1]), r[2] as string));
  }
  domains.sort((a, b) => a.index - b.index);
  routers.sort(
    (a, b) => a.domainIndex - b.domainIndex || a.depth - b.depth || a.device.localeCompare(b.device),
  );
  return { domains, routers };
}

function readDomain(sys: SysRoot, name: string, index: number): TbDomain {
  const base = `${TB_DEVICES}/${name}`;
  const path = sys.resolve(base);
  const above = path === null ? "" : posix.basename(posix.dirname(path));
  return {
    name,
    index,
    security: sys.readAttr(`${base}/security`),
    dmaProtection: parseBool01(sys.readAttr(`${base}/iommu_dma_protection`)),
    nhi: isPciAddress(above) ? above : null,
  };
}

function readRouter(sys: SysRoot, name: string, domainIndex: number, route: string): TbRouter {
  const base = `${TB_DEVICES}/${name}`;
  const path = sys.resolve(base);
  const above = path === null ? "" : posix.basename(posix.dirname(path));
  const isHost = /^0+$/.test(route);
  const depth = routeDepth(route);
  return {
    device: name,
    domainIndex,
    domain: path?.split("/").find((c) => DOMAIN.test(c)) ?? `domain${domainIndex}`,
    route,
    isHost,
    parent: isHost ? null : ROUTER.test(above) ? above : parentByRoute(domainIndex, route),
    depth,
    vendorName: sys.readAttr(`${base}/vendor_name`),
    deviceName: sys.readAttr(`${base}/device_name`),
    authorized: isHost ? true : parseAuthorized(sys.readAttr(`${base}/authorized`)),
    generation: sys.readInt(`${base}/generation`),
    rxSpeed: sys.readAttr(`${base}/rx_speed`),
    txSpeed: sys.readAttr(`${base}/tx_speed`),
    rxLanes: sys.readInt(`${base}/rx_lanes`),
    txLanes: sys.readInt(`${base}/tx_lanes`),
    uniqueId: sys.readAttr(`${base}/unique_id`),
  };
}

function isXDomain(sys: SysRoot, name: string): boolean {
  return /^DEVTYPE=thunderbolt_xdomain$/m.test(sys.readText(`${TB_DEVICES}/${name}/uevent`) ?? "");
}

/** Each hop of a route is one byte (the downstream port number), lowest byte first. */
export function routeDepth(route: string): number {
  let r = BigInt("0x" + route);
  let depth = 0;
  while (r > 0n) {
    depth++;
    r >>= 8n;
  }
  return depth;
}

function parentByRoute(domainIndex: number, route: string): string {
  const depth = routeDepth(route);
  const mask = (1n << BigInt(8 * (depth - 1))) - 1n;
  return `${domainIndex}-${(BigInt("0x" + route) & mask).toString(16)}`;
}

/** authorized: 0 = not yet, 1 = authorized, 2 = authorized with a key (secure level). */
export function parseAuthorized(v: string | null): boolean | null {
  if (v === "0") return false;
  if (v === "1" || v === "2") return true;
  return null;
}

function parseBool01(v: string | null): boolean | null {
  if (v === "1") return true;
  if (v === "0") return false;
  return null;
}

/** True when `ancestor` is above `router` in the daisy chain. */
export function isAncestorRouter(routers: Map<string, TbRouter>, ancestor: string, router: string): boolean {
  let cur = routers.get(router)?.parent ?? null;
  const seen = new Set<string>();
  while (cur !== null && !seen.has(cur)) {
    if (cur === ancestor) return true;
    seen.add(cur);
    cur = routers.get(cur)?.parent ?? null;
  }
  return false;
}
