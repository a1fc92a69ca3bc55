// Diagnosis: a pure function from the detection report to findings.
// (Placeholder during the initial build-out; the rules land with the diagnosis work.)
import type { Detection, Finding } from "../detect/report.js";

export function diagnose(_detection: Detection): Finding[] {
  return [];
}
