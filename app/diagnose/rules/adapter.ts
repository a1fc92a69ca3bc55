// Is there an adapter at all, and does a driver drive it?
import type { Detection, Finding } from "../../detect/report.js";
import { adapterLabel, ev, finding } from "../finding.js";

/** `no-adapter`: no atlantic NIC, and no Thunderbolt device waiting for authorization that could carry one. */
export function noAdapter(d: Detection): Finding[] {
  if (d.adapters.length > 0 || d.pendingThunderbolt.length > 0) return [];
  const connected = d.thunderboltDevices.filter((t) => t.authorized);
  const noSubsystem = d.thunderbolt.domains.length === 0 && d.thunderboltDevices.length === 0;
  const detail = noSubsystem
    ? "No Aquantia/Marvell (atlantic) network card was found, and this machine shows no Thunderbolt or USB4 " +
      "controller at all (no Thunderbolt domain in sysfs): it has no port such an adapter could be plugged " +
      "into, or the controller is switched off in the firmware setup or its driver (thunderbolt) is not loaded."
    : connected.length > 0
      ? `No Aquantia/Marvell (atlantic) network card was found, although ${connected.length} Thunderbolt ` +
        `device(s) are connected and authorized. If the adapter sits behind a dock, the dock may not pass PCIe ` +
        `through, or the adapter's PCIe tunnel failed to come up: unplug it, wait five seconds and plug it in again.`
      : "No Aquantia/Marvell (atlantic) network card was found on this machine, and no Thunderbolt device is " +
        "waiting for approval. Check that the adapter has power and is plugged in with a Thunderbolt or USB4 " +
        "cable (a plain USB-C charging cable carries no PCIe).";
  return [
    finding("no-adapter", "warning", "No Thunderbolt 10 GbE adapter found", detail, {
      actions: ["boltctl list", "lspci -nn -d 1d6a:", "sudo dmesg | grep -i -e thunderbolt -e atlantic"],
      evidence: [
        ev("atlantic NICs", 0),
        ev("thunderbolt devices connected", d.thunderboltDevices.length),
        ...connected.map(
          (t) => `thunderbolt device: ${t.device} ${t.vendorName ?? "?"} ${t.deviceName ?? "?"}`,
        ),
      ],
    }),
  ];
}

/** `driver-not-loaded`: the card is on the PCI bus but no driver (or another driver) has it. */
export function driverNotLoaded(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const bound = a.nic.driver;
    if (bound === "atlantic" && a.driver.loaded) return [];
    const evidence = [
      ev("pci address", a.nic.pciAddress),
      ev("bound driver", bound),
      ev("atlantic loaded", a.driver.loaded),
    ];
    if (bound !== null && bound !== "atlantic") {
      // Deliberate in most cases (a virtual machine takes the card through vfio-pci).
      return [
        finding(
          "driver-not-loaded",
          "info",
          `${adapterLabel(a)} is driven by ${bound}, not atlantic`,
          `The card is handed to the driver "${bound}" (for example to pass it to a virtual machine), so this ` +
            `machine has no network interface for it and Tenbolt cannot tune it. Nothing is wrong if that is intended.`,
          { subject: a.nic.pciAddress, evidence, actions: [`sudo modprobe atlantic`] },
        ),
      ];
    }
    const detail = a.driver.loaded
      ? "The atlantic driver is loaded but did not take this card, so there is no network interface for it. " +
        "The kernel log usually says why (firmware not ready, a failed reset)."
      : "The card is present on the PCI bus, but the atlantic driver is not loaded, so there is no network " +
        "interface for it. Loading the driver creates the interface. If loading fails with " +
        '"Key was rejected by service", Secure Boot refuses an unsigned driver (see secure-boot-module-signing).';
    return [
      finding("driver-not-loaded", "warning", `No driver for ${adapterLabel(a)}`, detail, {
        subject: a.nic.pciAddress,
        evidence,
        actions: ["sudo modprobe atlantic", "sudo dmesg | grep -i atlantic"],
      }),
    ];
  });
}
