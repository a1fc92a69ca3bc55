// Pairs a NIC with the Thunderbolt router that carries it. The kernel keeps no link from a router to the
// PCIe devices it tunnels, so this works from topology, and says "ambiguous" unless the evidence singles
// one router out:
//  1. the tunnel boundary and its domain: a port device-linked to a domain's NHI (the software connection
//     manager, drivers/thunderbolt/tb.c tb_acpi_add_links); else the host switch the NIC shares with a
//     discrete controller's NHI (Alpine/Titan/Maple/Barlow Ridge); else a root port known to be a tunnel
//     (Ice/Tiger Lake under the firmware connection manager, AMD USB4), in any domain without links;
//  2. the router depth: below the boundary every router adds one PCIe switch (upstream + downstream
//     port). Only Thunderbolt/USB4 switches count: known controller IDs, or an unknown switch right below a
//     tunnel port (the boundary or a hot-plug capable router port). A plain switch (a dock's ASMedia in
//     front of its NIC) ends the routers; an unknown one elsewhere leaves the depth a range;
//  3. the candidates: authorized (or unreadable) routers of those domains, not in a `nopcie`/`dponly`
//     domain, at a fitting depth, whose generation and whose parents' generations match the Thunderbolt
//     switches in the chain (a USB4 display beside a JHL6240 adapter is not a candidate).
import type { PciDevice, PciLookup } from "./pci.js";
import { isBridge } from "./pci.js";
import { switchKind, tunnelRootPortName } from "./tb-switches.js";
import type { TbDomain, TbRouter } from "./thunderbolt.js";

export interface TopologyInput {
  devices: PciLookup;
  domains: TbDomain[];
  routers: TbRouter[];
  /** Domain name -> PCI addresses device-linked to its NHI. */
  tunnelPorts: Map<string, string[]>;
}

export type Pairing =
  { kind: "none" } | { kind: "unique"; router: TbRouter } | { kind: "ambiguous"; candidates: TbRouter[] };

export interface TunnelView {
  behindThunderbolt: boolean;
  /** The port whose link is the PCIe tunnel (root port or host router downstream port), when known. */
  tunnelPort: string | null;
  pairing: Pairing;
}

/** Where the tunnel starts in the NIC's chain (index into nic.upstream) and which domains it can be in. */
interface Boundary {
  index: number;
  domains: TbDomain[];
}

/** Routers between the boundary and the NIC: a depth range and the generation of each known one. */
export interface DepthEvidence {
  min: number;
  max: number;
  /** generations[j] belongs to the router at depth j + 1; null when its switch is not a known one. */
  generations: (number | null)[];
}

/** Security levels in which the kernel hides `authorized` and builds no PCIe tunnels (switch.c). */
const NO_PCIE_TUNNELS = new Set(["nopcie", "dponly"]);

function findBoundary(nic: PciDevice, input: TopologyInput): Boundary | null {
  // 1. Device links from an NHI to a port in the chain.
  const linked: Boundary[] = [];
  for (const domain of input.domains) {
    const ports = input.tunnelPorts.get(domain.name) ?? [];
    const index = nic.upstream.findIndex((a) => ports.includes(a));
    if (index >= 0) linked.push({ index, domains: [domain] });
  }
  if (linked.length > 0) return merge(linked);
  // 2. A discrete controller: its NHI hangs below the same host switch upstream port as the tunnel.
  const shared: Boundary[] = [];
  for (const domain of input.domains) {
    const nhi = domain.nhi === null ? undefined : input.devices.get(domain.nhi);
    if (!nhi) continue;
    const i = nic.upstream.findIndex((a) => nhi.upstream.includes(a));
    // The shared device must be a switch port (a root port alone proves nothing), with the host
    // router's downstream port below it in the NIC's chain.
    if (i >= 1 && (i < nic.upstream.length - 1 || isThunderboltSwitch(input.devices.get(nic.upstream[i]!))))
      shared.push({ index: i - 1, domains: [domain] });
  }
  if (shared.length > 0) return merge(shared);
  // 3. A root port that is a tunnel by its ID, in any domain the device links do not place elsewhere.
  const index = nic.upstream.findIndex((a) => {
    const d = input.devices.get(a);
    return d !== undefined && tunnelRootPortName(d.vendorId, d.deviceId) !== null;
  });
  if (index < 0) return null;
  const unlinked = input.domains.filter((d) => (input.tunnelPorts.get(d.name) ?? []).length === 0);
  return { index, domains: unlinked.length > 0 ? unlinked : input.domains };
}

/** Several proofs: they agree on the boundary in practice; keep the nearest and all their domains. */
function merge(bs: Boundary[]): Boundary {
  const index = Math.min(...bs.map((b) => b.index));
  return { index, domains: bs.flatMap((b) => b.domains) };
}

function isThunderboltSwitch(d: PciDevice | undefined): boolean {
  return d !== undefined && switchKind(d.vendorId, d.deviceId).kind === "thunderbolt";
}

/**
 * Counts routers on the bridges strictly between the boundary and the NIC. null when the chain is not a
 * sequence of PCIe switches (odd count, a non-bridge, an unreadable device): then depth says nothing.
 */
export function depthEvidence(nic: PciDevice, boundary: number, devices: PciLookup): DepthEvidence | null {
  const below = nic.upstream
    .slice(0, boundary)
    .reverse()
    .map((a) => devices.get(a));
  if (below.length % 2 !== 0 || below.some((d) => d === undefined || !isBridge(d))) return null;
  type Status = "router" | "maybe" | "plain";
  const status: Status[] = [];
  const generations: (number | null)[] = [];
  let parentIsTunnel = true; // the boundary itself is a tunnel port
  for (let i = 0; i < below.length; i += 2) {
    const up = below[i] as PciDevice;
    const down = below[i + 1] as PciDevice;
    const k = switchKind(up.vendorId, up.deviceId);
    const kind = k.kind === "unknown" ? switchKind(down.vendorId, down.deviceId) : k;
    const s: Status =
      kind.kind === "thunderbolt"
        ? "router"
        : kind.kind === "plain"
          ? "plain"
          : parentIsTunnel
            ? "router"
            : "maybe";
    status.push(s);
    generations.push(kind.kind === "thunderbolt" ? kind.generation : null);
    parentIsTunnel = s === "router" && down.hotplug === true;
  }
  const lastRouter = status.lastIndexOf("router");
  const firstPlain = status.indexOf("plain");
  const end = firstPlain < 0 ? status.length : firstPlain;
  // Routers come first: a Thunderbolt switch behind a plain one contradicts the model.
  if (lastRouter >= end) return null;
  return { min: lastRouter + 1, max: end, generations: generations.slice(0, end) };
}

/** The router at `depth` on r's chain (r itself, or the ancestor at that depth). */
function atDepth(byName: Map<string, TbRouter>, r: TbRouter, depth: number): TbRouter | undefined {
  let cur: TbRouter | undefined = r;
  const seen = new Set<string>();
  while (cur && cur.depth > depth && !seen.has(cur.device)) {
    seen.add(cur.device);
    cur = cur.parent === null ? undefined : byName.get(cur.parent);
  }
  return cur?.depth === depth ? cur : undefined;
}

export function fitsDepth(r: TbRouter, ev: DepthEvidence, byName: Map<string, TbRouter>): boolean {
  if (r.depth < ev.min || r.depth > ev.max) return false;
  for (let j = 1; j <= r.depth; j++) {
    const want = ev.generations[j - 1] ?? null;
    const got = want === null ? null : (atDepth(byName, r, j)?.generation ?? null);
    if (want !== null && got !== null && got !== want) return false;
  }
  return true;
}

export function tunnelView(nic: PciDevice, input: TopologyInput): TunnelView {
  const boundary = findBoundary(nic, input);
  const chain = nic.upstream.map((a) => input.devices.get(a));
  const behindThunderbolt =
    boundary !== null ||
    nic.removable === true ||
    chain.some((d) => d?.removable === true || isThunderboltSwitch(d));
  const tunnelPort = boundary === null ? null : (nic.upstream[boundary.index] ?? null);
  if (!behindThunderbolt) return { behindThunderbolt, tunnelPort, pairing: { kind: "none" } };

  const domains = boundary?.domains ?? input.domains;
  const names = new Set(domains.filter((d) => !NO_PCIE_TUNNELS.has(d.security ?? "")).map((d) => d.name));
  let candidates = input.routers.filter(
    (r) => !r.isHost && r.authorized !== false && r.domain !== null && names.has(r.domain),
  );
  const evidence = boundary === null ? null : depthEvidence(nic, boundary.index, input.devices);
  if (evidence !== null) {
    const byName = new Map(input.routers.map((r) => [r.device, r]));
    candidates = candidates.filter((r) => fitsDepth(r, evidence, byName));
  }
  const pairing: Pairing =
    candidates.length === 0
      ? { kind: "none" }
      : candidates.length === 1
        ? { kind: "unique", router: candidates[0] as TbRouter }
        : { kind: "ambiguous", candidates };
  return { behindThunderbolt, tunnelPort, pairing };
}
