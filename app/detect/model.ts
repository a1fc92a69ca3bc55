// The product name shown for an adapter. Only facts: the Thunderbolt DROM strings of the device
// that carries the NIC (when paired without doubt), else a subsystem ID pci.ids names, else null.
import { productFromSubsystem } from "./pci-names.js";

export function modelName(
  dromVendor: string | null,
  dromDevice: string | null,
  subsystemVendorId: string | null,
  subsystemDeviceId: string | null,
): string | null {
  if (dromDevice !== null) {
    if (dromVendor === null || dromDevice.toLowerCase().startsWith(dromVendor.toLowerCase()))
      return dromDevice;
    return `${dromVendor} ${dromDevice}`;
  }
  return productFromSubsystem(subsystemVendorId, subsystemDeviceId);
}
