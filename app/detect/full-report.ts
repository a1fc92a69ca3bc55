// Detection plus diagnosis: the Report every face shows (`tenbolt detect --json` prints it).
import { diagnose } from "../diagnose/diagnose.js";
import type { AccessTrace } from "../sysfs/root.js";
import { detect } from "./detect.js";
import type { Report } from "./report.js";

export function detectReport(root = "/", trace?: AccessTrace): Report {
  const detection = detect(root, trace);
  return { ...detection, findings: diagnose(detection) };
}
