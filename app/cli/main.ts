// `tenbolt`: parses the command line with commander, calls the core, maps errors to one line
// and an exit status (0 ok, 1 failed, 2 bad usage, 130 interrupted).
import { Command, CommanderError } from "commander";
import { describeError, UsageError } from "../errors.js";
import { commandNames, loadCommands, type RegisterCommand } from "./commands.js";
import { processIo, type CliIo } from "./io.js";
import { VERSION } from "../version.js";

export function buildProgram(io: CliIo, modules: readonly RegisterCommand[]): Command {
  const program = new Command("tenbolt")
    .description("Thunderbolt 10 GbE at line rate on Linux, with the IOMMU still on")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      // commander's own error text is replaced by ours (one line, see main()).
      writeErr: () => undefined,
      outputError: () => undefined,
    });
  for (const register of modules) register(program, io);
  // Every subcommand: errors thrown, not printed; same output routing.
  const apply = (cmd: Command) => {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: () => undefined,
      outputError: () => undefined,
    });
    cmd.commands.forEach(apply);
  };
  program.commands.forEach(apply);
  return program;
}

/** Runs the CLI and returns the exit status. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && first !== "help" && !commandNames.includes(first)) {
    io.err(`tenbolt: unknown command '${first}'\n  (see 'tenbolt --help' for the commands)\n`);
    return 2;
  }
  // Only the named command's modules are loaded; help and version need them all.
  const named = first !== undefined && commandNames.includes(first) ? first : undefined;
  const program = buildProgram(io, await loadCommands(named));
  if (first === undefined) {
    io.out(program.helpInformation());
    return 0;
  }
  try {
    // Commands report failure by throwing (UserError carries the exit status).
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      ) {
        return 0;
      }
      const text = e.message.replace(/^error: /, "");
      const where = named ? `tenbolt ${named} --help` : "tenbolt --help";
      io.err(`tenbolt: ${text}\n  (see '${where}')\n`);
      return 2;
    }
    const d = describeError(e);
    io.err(`tenbolt: ${d.message}\n`);
    if (d.hint) io.err(`  ${d.hint}\n`);
    if (io.env.TENBOLT_DEBUG && e instanceof Error && !(e instanceof UsageError)) io.err(`${e.stack}\n`);
    return d.exitCode;
  }
}
