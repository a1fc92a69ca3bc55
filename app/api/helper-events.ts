// The root helper's JSON-lines progress (step, rollback, recover, text, log, warning) as contract
// events of one job. Pure: the service relays whatever this returns.
import type { HelperEvent } from "../elevation/helper-client.js";
import type { ApiEvent } from "./contract.js";

function text(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);
}

export function helperEventToApi(job: string, e: HelperEvent): ApiEvent | null {
  switch (e.event) {
    case "step": {
      const status = e.status === "start" || e.status === "done" || e.status === "failed" ? e.status : null;
      if (!status) return null;
      const step = text(e.step);
      const description =
        status === "failed" ? text(e.message ?? e.description ?? step) : text(e.description ?? step);
      return { type: "job.stage", job, step, description, status };
    }
    case "rollback":
      return { type: "job.rollback", job, step: text(e.step), status: text(e.status) };
    case "recover":
      return {
        type: "job.log",
        job,
        line: `rolling back an unfinished earlier run first (${text(e.journal)})`,
      };
    case "recovered":
      return { type: "job.log", job, line: `earlier run rolled back: ${text(e.message ?? e.journal)}` };
    case "text":
    case "log":
      return { type: "job.log", job, line: text(e.text ?? e.line ?? e.message) };
    case "warning":
      return { type: "job.log", job, line: `warning: ${text(e.message)}` };
    default:
      return null;
  }
}
