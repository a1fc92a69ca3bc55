// Several modules add subcommands to one group (e.g. `driver build` and `driver install`):
// the first to ask creates the group, the others reuse it.
import type { Command } from "commander";

export function commandGroup(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((c) => c.name() === name);
  if (existing) return existing;
  return program.command(name).description(description);
}
