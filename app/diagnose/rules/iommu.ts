// Is the NIC's DMA translated by the IOMMU, and how strictly?
import type { Adapter, Detection, Domain, Finding } from "../../detect/report.js";
import {
  adapterLabel,
  ev,
  finding,
  ifaceOf,
  iommuEvidence,
  iommuOffOptions,
  passthroughOptions,
  translated,
} from "../finding.js";

/**
 * `iommu-off`: the NIC can reach all memory. Critical for a Thunderbolt adapter, or when the IOMMU is off for
 * the whole machine (then every Thunderbolt/USB4 port is open too). An internal card left untranslated by
 * `iommu=pt` while the IOMMU runs is `iommu-passthrough` instead.
 */
export function iommuOff(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    if (translated(d, a) !== false) return [];
    const offOpts = iommuOffOptions(d);
    const globallyOff = d.iommu.enabled === false || (d.iommu.enabled === null && offOpts.length > 0);
    if (!a.behindThunderbolt && !globallyOff) return [];
    if (!globallyOff && a.iommu.type === "identity") return [identityOnThunderbolt(d, a)];
    const cause =
      offOpts.length > 0
        ? `The kernel was started with ${offOpts.join(" ")}, which switches the IOMMU off for the whole machine.`
        : globallyOff
          ? "The IOMMU is not active on this machine (switched off in the firmware setup or not supported)."
          : `The card's DMA is not translated (IOMMU group type "${a.iommu.type ?? "none"}").`;
    const actions = [
      ...(offOpts.length > 0
        ? [
            `Remove ${offOpts.join(" ")} from the kernel command line and reboot (Debian/Ubuntu: edit /etc/default/grub, then sudo update-grub)`,
            `sudo grubby --update-kernel=ALL --remove-args="${offOpts.join(" ")}"   (Fedora)`,
          ]
        : ["Enable the IOMMU (AMD-Vi / VT-d) in the firmware (BIOS/UEFI) setup"]),
      "tenbolt driver install",
      `tenbolt preset apply iommu-safe-performance --iface ${ifaceOf(a)}`,
    ];
    return [
      finding(
        "iommu-off",
        "critical",
        `No DMA protection for ${adapterLabel(a)}`,
        `${cause} Without the IOMMU, any device that can do DMA (direct memory access) can read and overwrite ` +
          "all of the computer's memory, including passwords and disk encryption keys. Thunderbolt gives plugged-in " +
          'devices exactly this access, so a malicious or compromised device (a "DMA attack") takes over the ' +
          "machine in seconds, even while it is locked. Turning the IOMMU off does make the adapter fast, but the " +
          "IOMMU-safe preset reaches the same speed with protection on: a patched driver with a larger RX page order.",
        { subject: a.nic.pciAddress, actions, evidence: iommuEvidence(d, a) },
      ),
    ];
  });
}

/** The Thunderbolt domain the adapter's router sits in, when it is known (shared by every candidate). */
function domainOf(d: Detection, a: Adapter): Domain | null {
  const name = a.thunderbolt?.domain ?? null;
  if (name !== null) return d.thunderbolt.domains.find((x) => x.name === name) ?? null;
  const [only, ...rest] = d.thunderbolt.domains;
  return only !== undefined && rest.length === 0 ? only : null;
}

/**
 * The IOMMU runs, yet a Thunderbolt adapter sits in an identity (passthrough) domain. The kernel forces a
 * translated `DMA` domain on every untrusted device whatever the default is (iommu.c,
 * iommu_get_default_domain_type), and a device is untrusted only below a port the firmware marks external
 * (ACPI ExternalFacingPort, the Kernel DMA Protection table). So two things meet: the port is not marked, and
 * passthrough (`iommu=pt`, or a kernel built with passthrough as default) gives trusted devices identity.
 */
function identityOnThunderbolt(d: Detection, a: Adapter): Finding {
  const pt = passthroughOptions(d);
  const dom = domainOf(d, a);
  const protection = dom?.dmaProtection ?? null;
  const why =
    pt.length > 0
      ? `the kernel was started with ${pt.join(" ")}, which gives every trusted device an untranslated domain`
      : "the kernel's default IOMMU domain is passthrough (a build default or a distribution setting)";
  const firmware =
    protection === false
      ? `The firmware does not announce Kernel DMA Protection (${dom?.name ?? "the domain"}'s iommu_dma_protection is 0)`
      : protection === true
        ? `The firmware announces Kernel DMA Protection (iommu_dma_protection is 1) but does not mark this port as external`
        : "The firmware does not mark this Thunderbolt port as external";
  const actions = [
    ...(pt.length > 0
      ? [
          `Remove ${pt.join(" ")} from the kernel command line and reboot (Debian/Ubuntu: edit /etc/default/grub, then sudo update-grub)`,
          `sudo grubby --update-kernel=ALL --remove-args="${pt.join(" ")}"   (Fedora)`,
        ]
      : ["Boot with iommu.passthrough=0 so trusted devices are translated too"]),
    "Turn on Kernel DMA Protection (sometimes called Thunderbolt/IOMMU pre-boot protection) in the firmware (BIOS/UEFI) setup, and update the firmware if the option is missing",
    `tenbolt preset apply iommu-safe-performance --iface ${ifaceOf(a)}`,
  ];
  return finding(
    "iommu-off",
    "critical",
    `${adapterLabel(a)} bypasses the IOMMU although it is on`,
    `The IOMMU is on, but this Thunderbolt adapter's DMA is not translated: it sits in an identity ` +
      `(passthrough) IOMMU domain. Linux always translates devices below a port the firmware marks as external, ` +
      `whatever the default is. ${firmware}, so Linux trusts the adapter like a card inside the case, and ${why}. ` +
      "A malicious device plugged into this port can read and overwrite all memory. The IOMMU-safe preset " +
      "reaches full speed with translation on.",
    {
      subject: a.nic.pciAddress,
      actions,
      evidence: [
        ...iommuEvidence(d, a),
        ev(
          "marked external (removable bridges)",
          a.path.some((h) => h.removable === true),
        ),
        ev(
          `${dom?.name ?? "thunderbolt domain"} iommu_dma_protection`,
          protection === null ? null : protection ? 1 : 0,
        ),
      ],
    },
  );
}

/** `iommu-passthrough`: an internal (trusted) card bypasses translation because of `iommu=pt` or similar. */
export function iommuPassthrough(d: Detection): Finding[] {
  if (d.iommu.enabled === false || iommuOffOptions(d).length > 0) return [];
  return d.adapters.flatMap((a) => {
    if (a.behindThunderbolt || translated(d, a) !== false) return [];
    const pt = passthroughOptions(d);
    return [
      finding(
        "iommu-passthrough",
        "info",
        `${adapterLabel(a)} bypasses the IOMMU (passthrough)`,
        `This card is built into the machine and${pt.length > 0 ? ` the kernel was started with ${pt.join(" ")}, so it` : ""} ` +
          "uses an untranslated (identity) IOMMU domain: it is fast but could read any memory, which is usually " +
          "accepted for a card inside the case. Thunderbolt devices stay protected: Linux always translates and " +
          "checks their DMA, whatever this option says.",
        { subject: a.nic.pciAddress, evidence: iommuEvidence(d, a) },
      ),
    ];
  });
}

/**
 * `iommu-lazy-external`: a Thunderbolt adapter in lazy (`DMA-FQ`) mode. Linux forces strict mode on devices
 * it knows are external, so either the group was switched at runtime or the firmware does not mark the port
 * as external (the adapter is then treated as a trusted internal device). Lazy mode leaves freed buffers
 * reachable for up to ~10 ms.
 */
export function iommuLazyExternal(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    if (!a.behindThunderbolt || a.iommu.type !== "DMA-FQ") return [];
    const untrustedKnown = a.path.some((h) => h.removable === true);
    const cause = untrustedKnown
      ? "Its IOMMU group was switched to lazy mode (DMA-FQ) after it was plugged in."
      : "Its IOMMU group uses lazy mode (DMA-FQ), which Linux gives to internal devices: the firmware does not " +
        "seem to mark this Thunderbolt port as external, so Linux trusts whatever is plugged into it.";
    return [
      finding(
        "iommu-lazy-external",
        "warning",
        `${adapterLabel(a)} uses lazy IOMMU invalidation`,
        `${cause} Lazy mode is faster, but for up to about 10 ms after the driver releases a buffer the device ` +
          "can still reach it, which a malicious device can exploit. Thunderbolt devices should be in strict " +
          "mode; the IOMMU-safe preset gets the speed back in strict mode.",
        {
          subject: a.nic.pciAddress,
          actions: [
            untrustedKnown
              ? "Unplug the adapter and plug it in again: Linux puts it back in strict mode"
              : "Update the firmware (BIOS/UEFI) and enable Kernel DMA Protection / IOMMU in its setup",
            `tenbolt preset apply iommu-safe-performance --iface ${ifaceOf(a)}`,
          ],
          evidence: iommuEvidence(d, a),
        },
      ),
    ];
  });
}
