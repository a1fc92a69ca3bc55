// The helper call the faces use: pkexec through the system Runner, the sudo-prompt bootstrap when
// the helper is not installed yet.
import { systemRunner } from "../system/runner.js";
import { sudoPromptBootstrap } from "./bootstrap.js";
import { callHelper, type HelperEvent } from "./helper-client.js";

export function systemHelper(): (args: string[], onEvent: (e: HelperEvent) => void) => Promise<HelperEvent> {
  return (args, onEvent) =>
    callHelper(args, { runner: systemRunner, bootstrap: sudoPromptBootstrap(), onEvent });
}
