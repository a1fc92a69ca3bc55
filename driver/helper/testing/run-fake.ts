// Runs the helper's core against a FakeMachine and parses its JSON-lines progress (tests only).
import { runHelper } from "../run.js";
import type { FakeMachine } from "./fake-machine.js";

export async function runOnFake(m: FakeMachine, argv: string[]) {
  let out = "";
  const code = await runHelper(argv, { ...m, out: (l) => (out += l), carrierTimeoutMs: 20_000 });
  const events = out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, events, last: events.at(-1) as Record<string, unknown> };
}
