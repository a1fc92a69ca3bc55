// The one gate every face's call goes through: the method must be in the contract, its arguments
// must parse with the contract's schema, and whatever the service returns is checked against the
// result schema too, so a face can rely on the shapes. Errors become one readable ApiError, never a
// stack trace across the wire.
import type { z } from "zod";
import { describeError, UsageError, UserError } from "../errors.js";
import { METHODS, type ApiError, type MethodName, type MethodResult, type Reply } from "./contract.js";

type Args<M extends MethodName> = z.output<(typeof METHODS)[M]["args"]>;

/** The service's side of the contract: one async function per method. */
export type ServiceMethods = { [M in MethodName]: (args: Args<M>) => Promise<MethodResult<M>> };

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** "streams: Too big: expected number to be <=16" from zod's first issue. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid arguments";
  const path = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `${path}${issue.message}`;
}

export function toApiError(e: unknown): ApiError {
  const d = describeError(e);
  const kind = e instanceof UsageError ? "usage" : e instanceof UserError ? "failed" : "internal";
  return { message: d.message, ...(d.hint ? { hint: d.hint } : {}), kind };
}

/** Validates and runs one call. Never throws. */
export async function dispatch(
  service: ServiceMethods,
  method: unknown,
  rawArgs: unknown,
): Promise<Reply<unknown>> {
  if (!isMethodName(method))
    return {
      ok: false,
      error: { message: `unknown call ${JSON.stringify(method)}`, kind: "usage" },
    };
  const spec = METHODS[method];
  const parsed = spec.args.safeParse(rawArgs ?? {});
  if (!parsed.success)
    return {
      ok: false,
      error: {
        message: `${method}: ${firstIssue(parsed.error)}`,
        hint: "the arguments do not match the contract (app/api/contract.ts)",
        kind: "usage",
      },
    };
  try {
    const fn = service[method] as (a: unknown) => Promise<unknown>;
    const value = await fn.call(service, parsed.data);
    const checked = spec.result.safeParse(value);
    if (!checked.success)
      return {
        ok: false,
        error: toApiError(
          new Error(`${method} returned a result outside the contract: ${firstIssue(checked.error)}`),
        ),
      };
    return { ok: true, value: checked.data };
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}
