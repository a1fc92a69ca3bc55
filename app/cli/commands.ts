// The list of `tenbolt` subcommands. Each module registers itself on the program; modules are loaded
// only when their command is used (or for the full --help), so `tenbolt detect` does not pay for the
// speed test, history or elevation code at start-up.
import type { Command } from "commander";
import type { CliIo } from "./io.js";

export type RegisterCommand = (program: Command, io: CliIo) => void;

export interface CommandModule {
  /** The top-level command names the module registers (a group such as `driver` may span modules). */
  names: readonly string[];
  load: () => Promise<RegisterCommand>;
}

export const commandModules: readonly CommandModule[] = [
  { names: ["detect"], load: async () => (await import("./detect.js")).registerDetect },
  { names: ["capture"], load: async () => (await import("./capture.js")).registerCapture },
  { names: ["speedtest"], load: async () => (await import("./speedtest.js")).registerSpeedtest },
  { names: ["serve"], load: async () => (await import("./serve.js")).registerServe },
  { names: ["history"], load: async () => (await import("./history.js")).registerHistory },
  { names: ["driver"], load: async () => (await import("./driver-build.js")).registerDriverBuild },
  { names: ["driver"], load: async () => (await import("./driver-manage.js")).registerDriverManage },
  { names: ["preset"], load: async () => (await import("./preset.js")).registerPreset },
  { names: ["ui"], load: async () => (await import("./ui.js")).registerUi },
  { names: ["thunderbolt"], load: async () => (await import("./thunderbolt.js")).registerThunderbolt },
];

export const commandNames: readonly string[] = [...new Set(commandModules.flatMap((m) => m.names))];

/** Loads the modules needed for `name`, or all of them when name is undefined (full help). */
export async function loadCommands(name: string | undefined): Promise<RegisterCommand[]> {
  const wanted = commandModules.filter((m) => name === undefined || m.names.includes(name));
  return Promise.all(wanted.map((m) => m.load()));
}
