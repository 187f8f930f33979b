// (cli) pipewatch test-pattern: an event pattern + an event --> compileEventPattern --> {"Result": true|false}, like the AWS CLI
import { parseArgs } from 'node:util';
import { compileEventPattern, InvalidEventPatternError } from '../../core/patterns';
import { type CliIo, EXIT_OK, EXIT_USAGE } from '../io';
import { readJsonArgument, readTextArgument } from '../json-argument';
import type { CliCommand } from './command';

export const testPatternCommand: CliCommand = {
  name: 'test-pattern',
  summary: 'test whether an event pattern matches an event (like `aws events test-event-pattern`)',
  usage: 'pipewatch test-pattern --event-pattern <json|file://path|-> --event <json|file://path|->',
  help: [
    'Prints {"Result": true} or {"Result": false} and exits 0.',
    'An invalid pattern prints `InvalidEventPatternException: <message>` on stderr and exits 2.',
    'Example:',
    `  pipewatch test-pattern --event-pattern '{"source":["aws.codepipeline"],"detail":{"state":["FAILED"]}}' --event file://event.json`,
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { 'event-pattern': { type: 'string' }, event: { type: 'string' } },
      strict: true,
    });
    // The pattern stays text: EventBridge judges the text (a JSON array or number is an invalid pattern).
    const patternText = await readTextArgument(io, '--event-pattern', values['event-pattern']);
    const event = await readJsonArgument(io, '--event', values.event);
    let compiled: ReturnType<typeof compileEventPattern>;
    try {
      compiled = compileEventPattern(patternText);
    } catch (error) {
      if (error instanceof InvalidEventPatternError) {
        io.err(`InvalidEventPatternException: ${error.message}`);
        return EXIT_USAGE;
      }
      throw error;
    }
    io.out(JSON.stringify({ Result: compiled.matches(event) }));
    return EXIT_OK;
  },
};
