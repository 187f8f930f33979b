// (cli) an argument given inline, as file://path or as - (stdin) --> its text or parsed JSON, the AWS CLI's way
import { type CliIo, CliUsageError } from './io';

/**
 * Reads a JSON argument the way the AWS CLI does: `file://path` reads the file, `-` reads
 * standard input, anything else is the JSON text itself.
 */
export async function readJsonArgument(io: CliIo, option: string, value: string | undefined): Promise<unknown> {
  const text = await readTextArgument(io, option, value);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${option} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The text of an argument given inline, as `file://path`, or as `-` (standard input). */
export async function readTextArgument(io: CliIo, option: string, value: string | undefined): Promise<string> {
  if (value === undefined) throw new CliUsageError(`${option} is required.`);
  let text: string;
  if (value.startsWith('file://')) {
    const file = value.slice('file://'.length);
    try {
      text = await io.readFile(file);
    } catch (error) {
      throw new CliUsageError(
        `${option}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  } else if (value === '-') {
    text = await io.readStdin();
  } else {
    text = value;
  }
  return text;
}
