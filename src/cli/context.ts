import type { Command } from 'commander';
import type { CliIo } from './render.js';

/** What every command gets: the injected IO and a way to set the process exit code. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}

/** A command module registers itself on the program; the list lives in commands/index.ts. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
