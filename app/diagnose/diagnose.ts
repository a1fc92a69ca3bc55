// Diagnosis: a pure function from the detection report to findings, most urgent first.
// Each rule family lives in rules/; docs/diagnosis.md lists every id (scripts rely on them).
import type { Detection, Finding } from "../detect/report.js";
import { severityRank, type Rule } from "./finding.js";
import { driverNotLoaded, noAdapter } from "./rules/adapter.js";
import {
  iommuBootOptionForeign,
  iommuBootOptionIgnored,
  swiotlbNoforceUntrusted,
} from "./rules/boot-options.js";
import { iommuLazyExternal, iommuOff, iommuPassthrough } from "./rules/iommu.js";
import { jumboMtu, linkDown, linkNot10g } from "./rules/link.js";
import { orderAbove3, presetActive, rxPageOrderLow } from "./rules/page-order.js";
import { pcieLinkSlow, pcieTunnelArtifact } from "./rules/pcie.js";
import { secureBootModuleSigning } from "./rules/secure-boot.js";
import {
  tbNoDmaProtection,
  tbNotAuthorized,
  tbPairingAmbiguous,
  tbPcieDisabled,
} from "./rules/thunderbolt.js";

/** In the order a user would work through them when severities tie. */
export const RULES: readonly Rule[] = [
  noAdapter,
  tbNotAuthorized,
  tbPcieDisabled,
  driverNotLoaded,
  iommuOff,
  swiotlbNoforceUntrusted,
  iommuLazyExternal,
  tbNoDmaProtection,
  secureBootModuleSigning,
  rxPageOrderLow,
  orderAbove3,
  linkDown,
  linkNot10g,
  pcieLinkSlow,
  iommuPassthrough,
  iommuBootOptionIgnored,
  iommuBootOptionForeign,
  tbPairingAmbiguous,
  pcieTunnelArtifact,
  jumboMtu,
  presetActive,
];

export function diagnose(detection: Detection): Finding[] {
  const all = RULES.flatMap((rule) => rule(detection));
  // Array.prototype.sort is stable: equal severities keep rule order.
  return all.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}
