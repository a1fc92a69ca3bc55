// detect(): reads everything Tenbolt needs below a root directory ("/" or a captured tree) and
// returns the Detection report. Never writes; a missing or unreadable file makes that one value null.
import { SysRoot, type AccessTrace } from "../sysfs/root.js";
import type { Adapter, AdapterThunderbolt, Detection, PciHop, ThunderboltDevice } from "./report.js";
import { atlanticChip, PCI_VENDOR_NAMES, type AtlanticChip } from "./atlantic-ids.js";
import { deviceLinkedPci } from "./devlinks.js";
import { readAtlanticModule, type AtlanticModule } from "./driver.js";
import { readGroupType, readIommu, translation, type IommuState } from "./iommu.js";
import { modelName } from "./model.js";
import { readNetInterfaces, type NetInterface } from "./net.js";
import { isBridge, PciBus, type PciDevice } from "./pci.js";
import { thunderboltSwitchName, tunnelRootPortName } from "./tb-switches.js";
import { tunnelView, type Pairing, type TopologyInput } from "./pairing.js";
import { checkRoot } from "./root-check.js";
import { readSecurity } from "./security.js";
import { readThunderbolt, type TbRouter } from "./thunderbolt.js";

export function detect(root = "/", trace?: AccessTrace): Detection {
  checkRoot(root);
  const sys = new SysRoot(root, trace);
  const cmdline = sys.readAttr("/proc/cmdline");
  const devices = new PciBus(sys);
  const { domains, routers } = readThunderbolt(sys);
  const tunnelPorts = new Map<string, string[]>();
  for (const d of domains) {
    const nhi = d.nhi === null ? undefined : devices.get(d.nhi);
    if (nhi) tunnelPorts.set(d.name, deviceLinkedPci(sys, nhi.address, nhi.path));
  }
  const topology: TopologyInput = { devices, domains, routers, tunnelPorts };
  const iommu = readIommu(sys, cmdline);
  const module = readAtlanticModule(sys);
  const nets = readNetInterfaces(sys);
  const groupTypes = new Map<number, string | null>();
  const groupType = (g: number) => {
    if (!groupTypes.has(g)) groupTypes.set(g, readGroupType(sys, g));
    return groupTypes.get(g) ?? null;
  };

  const carrying = new Set<string>();
  const adapters: Adapter[] = [];
  for (const address of devices.addresses()) {
    const ids = devices.ids(address);
    const chip = atlanticChip(ids.vendorId, ids.deviceId);
    const dev = chip === null ? undefined : devices.get(address);
    if (chip === null || dev === undefined) continue;
    const a = buildAdapter(dev, chip, { topology, nets, module, iommu, groupType });
    if (a.thunderbolt?.pairing === "unique") carrying.add(a.thunderbolt.device);
    adapters.push(a);
  }

  const devicesOut = routers
    .filter((r) => !r.isHost)
    // A router carrying a NIC has a PCIe tunnel, so it is authorized even if the file was unreadable.
    .map((r) => toDevice(r, r.authorized ?? carrying.has(r.device)));
  return {
    schemaVersion: 1,
    root,
    kernel: { release: sys.readAttr("/proc/sys/kernel/osrelease"), cmdline },
    adapters,
    pendingThunderbolt: routers
      .filter((r) => !r.isHost && r.authorized === false)
      .map((r) => ({ ...toDevice(r, false), authorized: false as const })),
    thunderboltDevices: devicesOut,
    iommu,
    thunderbolt: {
      domains: domains.map((d) => ({ name: d.name, security: d.security, dmaProtection: d.dmaProtection })),
    },
    security: readSecurity(sys),
  };
}

function toDevice(r: TbRouter, authorized: boolean): ThunderboltDevice {
  return {
    device: r.device,
    domain: r.domain,
    vendorName: r.vendorName,
    deviceName: r.deviceName,
    authorized,
    generation: r.generation,
    rxSpeed: r.rxSpeed,
    txSpeed: r.txSpeed,
    rxLanes: r.rxLanes,
    txLanes: r.txLanes,
    uniqueId: r.uniqueId,
  };
}

/** What every adapter is looked up in: read once per detection. */
interface Machine {
  topology: TopologyInput;
  nets: NetInterface[];
  module: AtlanticModule;
  iommu: IommuState;
  groupType: (g: number) => string | null;
}

function buildAdapter(dev: PciDevice, chip: AtlanticChip, m: Machine): Adapter {
  const { topology, nets, module, iommu, groupType } = m;
  const view = tunnelView(dev, topology);
  const net = nets.find((n) => n.devicePath === dev.path) ?? null;
  const type = dev.iommuGroup === null ? null : groupType(dev.iommuGroup);
  const tb = adapterThunderbolt(view.pairing);
  const bound = dev.driver;
  const runsAtlantic = bound === "atlantic";
  return {
    model:
      tb?.pairing === "unique"
        ? modelName(tb.vendorName, tb.deviceName, dev.subsystemVendorId, dev.subsystemDeviceId)
        : modelName(null, null, dev.subsystemVendorId, dev.subsystemDeviceId),
    nic: {
      pciAddress: dev.address,
      vendorId: dev.vendorId as string, // non-null: the chip table matched it
      deviceId: dev.deviceId as string,
      subsystemVendorId: dev.subsystemVendorId,
      subsystemDeviceId: dev.subsystemDeviceId,
      vendorName: PCI_VENDOR_NAMES[dev.vendorId as string] ?? null,
      chip: chip.chip,
      maxSpeedMbps: chip.maxSpeedMbps,
      interface: net?.name ?? null,
      mac: net?.mac ?? null,
      operstate: net?.operstate ?? null,
      driver: bound,
      linkSpeedMbps: net?.speedMbps ?? null,
      carrier: net?.carrier ?? null,
      mtu: net?.mtu ?? null,
      pcieLink: { ...dev.link, tunneled: view.behindThunderbolt },
    },
    path: dev.upstream.map((a, i) => hop(a, topology.devices.get(a), i === dev.upstream.length - 1)),
    behindThunderbolt: view.behindThunderbolt,
    thunderbolt: tb,
    iommu: {
      group: dev.iommuGroup,
      type,
      ...translation(dev.iommuGroup, type, iommu.enabled),
    },
    driver: {
      name: bound,
      loaded: module.loaded,
      patched: runsAtlantic && module.patched,
      // The order only means something for a NIC the atlantic driver drives.
      rxPageOrder: runsAtlantic ? module.rxPageOrder : null,
      parameters: module.parameters,
    },
  };
}

/** The report's view of a pairing: one router's facts, or only the candidates' names when it is ambiguous. */
function adapterThunderbolt(pairing: Pairing): AdapterThunderbolt | null {
  if (pairing.kind === "none") return null;
  if (pairing.kind === "unique") {
    // It carries the NIC, so its PCIe tunnel is up: authorized even when the file was unreadable.
    return {
      ...toDevice(pairing.router, pairing.router.authorized ?? true),
      pairing: "unique",
      candidates: [],
    };
  }
  const names = [...new Set(pairing.candidates.map((r) => r.device))].sort();
  const domains = new Set(pairing.candidates.map((r) => r.domain));
  return {
    pairing: "ambiguous",
    candidates: names,
    device: null,
    domain: domains.size === 1 ? ([...domains][0] ?? null) : null,
    vendorName: null,
    deviceName: null,
    authorized: null,
    generation: null,
    rxSpeed: null,
    txSpeed: null,
    rxLanes: null,
    txLanes: null,
    uniqueId: null,
  };
}

function hop(address: string, d: PciDevice | undefined, top: boolean): PciHop {
  const vendorId = d?.vendorId ?? null;
  const deviceId = d?.deviceId ?? null;
  const tbName = thunderboltSwitchName(vendorId, deviceId);
  const usb4Name = tunnelRootPortName(vendorId, deviceId);
  return {
    pciAddress: address,
    vendorId,
    deviceId,
    class: d?.class ?? null,
    driver: d?.driver ?? null,
    removable: d?.removable ?? null,
    role: tbName ? "thunderbolt-bridge" : top ? "root-port" : isBridge(d) ? "bridge" : "other",
    name: tbName ?? usb4Name,
  };
}
