// Detection plus diagnosis: the Report every face shows. It lives here, above both rooms, so that
// detect/ and diagnose/ keep pointing one way (diagnose reads detection; detection knows no rules).
import { detect } from "../detect/detect.js";
import { diagnose } from "../diagnose/diagnose.js";
import type { Report } from "../detect/report.js";
import type { AccessTrace } from "../sysfs/root.js";

export function detectReport(root = "/", trace?: AccessTrace): Report {
  const detection = detect(root, trace);
  return { ...detection, findings: diagnose(detection) };
}
