// Thunderbolt authorization, pairing and the firmware's DMA protection.
import type { Adapter, Detection, Finding, ThunderboltDevice } from "../../detect/report.js";
import { adapterLabel, ev, finding, translated } from "../finding.js";

function tbName(t: ThunderboltDevice): string {
  const name = [t.vendorName, t.deviceName].filter(Boolean).join(" ");
  return name ? `${name} (${t.device})` : `Thunderbolt device ${t.device}`;
}

/** The Thunderbolt domains an adapter may be in: its router's, or every candidate's when ambiguous. */
export function adapterDomains(d: Detection, a: Adapter): (string | null)[] {
  const t = a.thunderbolt;
  if (t === null) return [];
  if (t.pairing === "unique" || t.domain !== null) return [t.domain];
  return t.candidates.map((c) => d.thunderboltDevices.find((x) => x.device === c)?.domain ?? null);
}

/** `tb-not-authorized`: connected but not approved, so there is no PCIe tunnel and no NIC yet. */
export function tbNotAuthorized(d: Detection): Finding[] {
  return d.pendingThunderbolt.map((t) => {
    const domain = d.thunderbolt.domains.find((x) => x.name === t.domain);
    const actions = [
      t.uniqueId ? `boltctl authorize ${t.uniqueId}` : "boltctl list",
      ...(t.uniqueId ? [`boltctl enroll --policy auto ${t.uniqueId}`] : []),
      `tenbolt thunderbolt authorize ${t.device}`,
    ];
    return finding(
      "tb-not-authorized",
      "warning",
      `${tbName(t)} is connected but not authorized`,
      "Linux does not let a newly plugged Thunderbolt device reach memory until you approve it, because such a " +
        "device could read or change anything in memory. Until it is approved, the network card inside does not " +
        "appear. Approve it if it is your adapter: `boltctl authorize` approves it once, `boltctl enroll` " +
        "remembers it for next time.",
      {
        subject: t.device,
        actions,
        evidence: [
          ev("device", t.device),
          ev("vendor", t.vendorName),
          ev("name", t.deviceName),
          ev("authorized", false),
          ev("unique id", t.uniqueId),
          ev("domain security", domain?.security ?? null),
        ],
      },
    );
  });
}

/** "1-1, 1-2 or 1-3" */
export function orList(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** `tb-pairing-ambiguous`: topology left several Thunderbolt devices that could carry the NIC. */
export function tbPairingAmbiguous(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const t = a.thunderbolt;
    if (t === null || t.pairing !== "ambiguous") return [];
    const named = t.candidates.map((c) => {
      const dev = d.thunderboltDevices.find((x) => x.device === c);
      return dev ? tbName(dev) : `Thunderbolt device ${c}`;
    });
    return [
      finding(
        "tb-pairing-ambiguous",
        "info",
        `Not sure which Thunderbolt device carries ${adapterLabel(a)}`,
        `Linux does not record which Thunderbolt device a network card sits in, and the topology fits ` +
          `${orList(t.candidates)} equally well. Tenbolt therefore shows no Thunderbolt name, link speed or ` +
          `authorization for this adapter rather than another device's. Unplugging the other devices, or ` +
          `plugging the adapter in directly, makes the match certain.`,
        {
          subject: a.nic.pciAddress,
          actions: ["boltctl list"],
          evidence: [`candidates: ${t.candidates.join(", ")}`, ...named.map((n) => `candidate: ${n}`)],
        },
      ),
    ];
  });
}

/**
 * `tb-no-dma-protection`: the domain says the firmware did not enable IOMMU DMA protection. Skipped when the
 * IOMMU is off altogether (iommu-off says more).
 */
export function tbNoDmaProtection(d: Detection): Finding[] {
  if (d.iommu.enabled === false) return [];
  const tbAdapters = d.adapters.filter((a) => a.behindThunderbolt && translated(d, a) !== false);
  if (tbAdapters.length === 0 && d.pendingThunderbolt.length === 0) return [];
  const usedDomains = new Set(
    [...tbAdapters.flatMap((a) => adapterDomains(d, a)), ...d.pendingThunderbolt.map((t) => t.domain)].filter(
      (x): x is string => typeof x === "string",
    ),
  );
  const unprotected = d.thunderbolt.domains.filter(
    (x) => x.dmaProtection === false && (usedDomains.size === 0 || usedDomains.has(x.name)),
  );
  return unprotected.map((dom) =>
    finding(
      "tb-no-dma-protection",
      "warning",
      `Thunderbolt ${dom.name} has no firmware DMA protection`,
      "The firmware did not tell Linux that it protects memory from Thunderbolt devices (iommu_dma_protection " +
        "is 0). A device can then reach memory while the machine boots, before Linux enables the IOMMU, and " +
        "Linux may not treat the ports as external, which weakens the protection a plugged-in device gets. " +
        "Turn on the IOMMU / Kernel DMA Protection option in the firmware setup and keep approving devices yourself.",
      {
        subject: dom.name,
        actions: [
          "Enable IOMMU (AMD-Vi / VT-d) and Kernel DMA Protection in the firmware (BIOS/UEFI) setup",
          `cat /sys/bus/thunderbolt/devices/${dom.name}/iommu_dma_protection`,
        ],
        evidence: [ev("domain", dom.name), ev("iommu_dma_protection", 0), ev("security", dom.security)],
      },
    ),
  );
}

/** Security levels in which the firmware never builds PCIe tunnels. */
const NO_PCIE = new Set(["dponly", "usbonly", "nopcie"]);

/** `tb-pcie-disabled`: the domain's security level forbids PCIe tunnels, so no NIC can ever appear there. */
export function tbPcieDisabled(d: Detection): Finding[] {
  return d.thunderbolt.domains
    .filter((x) => x.security !== null && NO_PCIE.has(x.security))
    .map((dom) =>
      finding(
        "tb-pcie-disabled",
        "warning",
        `Thunderbolt ${dom.name} does not allow PCIe devices`,
        `The firmware set this Thunderbolt controller to "${dom.security}": it passes displays and/or USB, but ` +
          "never PCIe, and a Thunderbolt network adapter is a PCIe device. Change the Thunderbolt security level " +
          'in the firmware (BIOS/UEFI) setup to "User Authorization".',
        {
          subject: dom.name,
          actions: ["Set Thunderbolt security to User Authorization in the firmware (BIOS/UEFI) setup"],
          evidence: [ev("domain", dom.name), ev("security", dom.security)],
        },
      ),
    );
}
