// Pairs a NIC with the Thunderbolt device that carries it. The kernel keeps no link from a
// Thunderbolt router to the PCIe devices it tunnels, so this works from topology:
//  1. which domain: the NIC sits below a tunnel root port device-linked to that domain's NHI
//     (USB4 hosts, integrated Thunderbolt), or shares a Thunderbolt bridge with the NHI (discrete
//     Thunderbolt 3 host controller); without either, every domain stays a candidate;
//  2. which router: authorized routers of those domains; a router whose chain continues to another
//     candidate is a dock in front of it (the adapter is the deeper one); the number of PCIe bridges
//     between the tunnel boundary and the NIC (two per router: upstream + downstream port) breaks ties.
// Anything left with more than one candidate is reported as ambiguous, never picked silently.
import type { PciDevice, PciLookup } from "./pci.js";
import { isBridge } from "./pci.js";
import { thunderboltBridgeName, usb4RootPortName } from "./pci-names.js";
import type { TbDomain, TbRouter } from "./thunderbolt.js";
import { isAncestorRouter } from "./thunderbolt.js";

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
  pairing: Pairing;
}

interface DomainMatch {
  domain: TbDomain;
  /** Router depth the PCIe chain suggests, when the bridge count is even and positive. */
  expectedDepth: number | null;
}

function isThunderboltBridge(dev: PciDevice | undefined): boolean {
  return dev !== undefined && thunderboltBridgeName(dev.vendorId, dev.deviceId) !== null;
}

function depthFromBridges(count: number): number | null {
  return count > 0 && count % 2 === 0 ? count / 2 : null;
}

/** Domains the NIC is provably behind, with the router depth its PCIe chain implies. */
function provenDomains(nic: PciDevice, input: TopologyInput): DomainMatch[] {
  const out: DomainMatch[] = [];
  for (const domain of input.domains) {
    const ports = input.tunnelPorts.get(domain.name) ?? [];
    const linked = nic.upstream.findIndex((a) => ports.includes(a));
    if (linked >= 0) {
      out.push({ domain, expectedDepth: depthFromBridges(countBridges(nic, linked, input)) });
      continue;
    }
    const nhi = domain.nhi === null ? undefined : input.devices.get(domain.nhi);
    if (!nhi) continue;
    // Discrete controller: NHI and tunnelled devices hang below the same Thunderbolt switch.
    const shared = nhi.upstream.find((a) => nic.upstream.includes(a));
    if (shared !== undefined && isThunderboltBridge(input.devices.get(shared))) {
      const idx = nic.upstream.indexOf(shared);
      // Below the host switch's upstream port: its own downstream port, then two per router.
      out.push({ domain, expectedDepth: depthFromBridges(countBridges(nic, idx, input) - 1) });
    }
  }
  return out;
}

/** Bridges strictly between the NIC and upstream[boundary]. */
function countBridges(nic: PciDevice, boundary: number, input: TopologyInput): number {
  return nic.upstream.slice(0, boundary).filter((a) => {
    const d = input.devices.get(a);
    return d === undefined || isBridge(d);
  }).length;
}

export function tunnelView(nic: PciDevice, input: TopologyInput): TunnelView {
  const proven = provenDomains(nic, input);
  const chain = nic.upstream.map((a) => input.devices.get(a));
  const behindThunderbolt =
    proven.length > 0 ||
    nic.removable === true ||
    chain.some((d) => d?.removable === true || isThunderboltBridge(d)) ||
    // Everything below a USB4 tunnel root port is tunnelled, whatever bridges sit in between.
    chain.some((d) => d !== undefined && usb4RootPortName(d.vendorId, d.deviceId) !== null);
  if (!behindThunderbolt) return { behindThunderbolt, pairing: { kind: "none" } };

  const domainNames = new Set(
    (proven.length > 0 ? proven.map((p) => p.domain) : input.domains).map((d) => d.name),
  );
  const candidates = input.routers.filter(
    (r) => !r.isHost && r.authorized !== false && r.domain !== null && domainNames.has(r.domain),
  );
  if (candidates.length === 0) return { behindThunderbolt, pairing: { kind: "none" } };

  const byName = new Map(input.routers.map((r) => [r.device, r]));
  const expected = new Set(proven.map((p) => p.expectedDepth).filter((d): d is number => d !== null));
  if (expected.size === 1) {
    const depth = [...expected][0];
    const atDepth = candidates.filter((r) => r.depth === depth);
    if (atDepth.length === 1)
      return { behindThunderbolt, pairing: { kind: "unique", router: atDepth[0] as TbRouter } };
  }
  const leaves = candidates.filter(
    (r) => !candidates.some((o) => isAncestorRouter(byName, r.device, o.device)),
  );
  if (leaves.length === 1)
    return { behindThunderbolt, pairing: { kind: "unique", router: leaves[0] as TbRouter } };
  return {
    behindThunderbolt,
    pairing: { kind: "ambiguous", candidates: leaves },
  };
}
