// (cli) argv --> the named command (local, test-pattern, render, aws-local) --> exit code; help, and usage errors printed
import { awsLocalCommand } from './commands/aws-local';
import type { CliCommand } from './commands/command';
import { localCommand } from './commands/local';
import { redriveCommand } from './commands/redrive';
import { renderCommand } from './commands/render';
import { testPatternCommand } from './commands/test-pattern';
import { type CliIo, CliUsageError, EXIT_OK, EXIT_USAGE } from './io';

export { processIo } from './io';

const COMMANDS: readonly CliCommand[] = [
  localCommand,
  testPatternCommand,
  renderCommand,
  awsLocalCommand,
  redriveCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'pipewatch: ChatOps for AWS CodePipeline',
    '',
    'Usage: pipewatch <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `pipewatch <command> --help` for a command’s options.',
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return [`Usage: ${command.usage}`, '', command.summary, '', command.help].join('\n');
}

/** Runs `pipewatch` with these arguments; returns the exit code. Never throws for bad input. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`pipewatch: unknown command '${name}'.\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(commandHelp(command));
    return EXIT_OK;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`pipewatch ${command.name}: ${error.message}\nUsage: ${command.usage}`);
      return error.exitCode;
    }
    // node:util parseArgs reports unknown or malformed options with these codes.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`pipewatch ${command.name}: ${(error as Error).message}\nUsage: ${command.usage}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
