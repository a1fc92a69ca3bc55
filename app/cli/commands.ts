// The list of `tenbolt` subcommands. Each module registers itself on the program.
import type { Command } from "commander";
import type { CliIo } from "./io.js";
import { registerDetect } from "./detect.js";
import { registerCapture } from "./capture.js";
import { registerDriverBuild } from "./driver-build.js";
import { registerSpeedtest } from "./speedtest.js";
import { registerServe } from "./serve.js";
import { registerHistory } from "./history.js";
import { registerPreset } from "./preset.js";
import { registerDriverManage } from "./driver-manage.js";
import { registerThunderbolt } from "./thunderbolt.js";

export type RegisterCommand = (program: Command, io: CliIo) => void;

export const commandModules: RegisterCommand[] = [
  registerDetect,
  registerCapture,
  registerDriverBuild,
  registerSpeedtest,
  registerServe,
  registerHistory,
  registerPreset,
  registerDriverManage,
  registerThunderbolt,
];
