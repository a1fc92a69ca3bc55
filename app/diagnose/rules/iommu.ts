// Is the NIC's DMA translated by the IOMMU, and how strictly?
import type { Detection, Finding } from "../../detect/report.js";
import {
  adapterLabel,
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
    const globallyOff = d.iommu.enabled === false || iommuOffOptions(d).length > 0;
    if (!a.behindThunderbolt && !globallyOff) return [];
    const offOpts = iommuOffOptions(d);
    const cause =
      offOpts.length > 0
        ? `The kernel was started with ${offOpts.join(" ")}, which switches the IOMMU off for the whole machine.`
        : globallyOff
          ? "The IOMMU is not active on this machine (switched off in the firmware setup or not supported)."
          : `The card sits in an untranslated ("${a.iommu.type ?? "identity"}") IOMMU domain, which Linux normally ` +
            "never gives a Thunderbolt device: the firmware probably does not mark this port as external.";
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
