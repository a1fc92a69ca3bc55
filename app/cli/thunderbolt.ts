// `tenbolt thunderbolt authorize DEVICE`: open a pending device's PCIe tunnel through the root helper.
import type { RegisterCommand } from "./commands.js";
import { UsageError } from "../errors.js";
import { systemHelper } from "../elevation/production.js";
import { formatEvent } from "../presets/apply.js";
import { checkTbDevice, Refused } from "../../driver/helper/args.js";

export const registerThunderbolt: RegisterCommand = (program, io) => {
  program
    .command("thunderbolt")
    .description("Thunderbolt devices")
    .command("authorize")
    .argument("<DEVICE>", "router name as in /sys/bus/thunderbolt/devices, e.g. 0-1 (see `tenbolt detect`)")
    .description("authorize a Thunderbolt device (gives it a PCIe connection; only for devices you trust)")
    .action(async (device: string) => {
      try {
        checkTbDevice(device);
      } catch (e) {
        if (e instanceof Refused)
          throw new UsageError(e.message, "see `tenbolt detect` for the pending device's name");
        throw e;
      }
      const last = await systemHelper()(["authorize-thunderbolt", device], (e) => {
        const line = formatEvent(e);
        if (line) io.out(line + "\n");
      });
      const r = last.result as { changed?: boolean } | undefined;
      io.out(r?.changed === false ? `${device} was already authorized\n` : `${device} authorized\n`);
    });
};
