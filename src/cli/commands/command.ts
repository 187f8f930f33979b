// (cli) one `pipewatch <name>` command: name, summary, usage, help, and run(args, io) --> exit code
import type { CliIo } from '../io';

/** One `pipewatch <name>` command. `run` gets the arguments after the name and returns the exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  help: string;
  run(args: string[], io: CliIo): Promise<number>;
}
