import { parseArgs } from 'node:util';
import { InvalidPipelineEventError, parsePipelineEvent } from '../../core/events';
import { buildAlertMessage, renderAlertText } from '../../core/messages';
import { type CliIo, CliUsageError, EXIT_OK, EXIT_USAGE } from '../io';
import { readJsonArgument } from '../json-argument';
import type { CliCommand } from './command';

const FORMATS = ['text', 'json'] as const;

export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'show the alert pipewatch would post for a CodePipeline event',
  usage: 'pipewatch render --event <json|file://path|-> [--format text|json]',
  help: [
    'Reads an EventBridge or CodeStar Notifications CodePipeline event and prints the neutral',
    'AlertMessage: as text (default) or as JSON. An event that cannot be read exits 2 with the',
    'JSON path and the problem.',
    'Example:',
    '  pipewatch render --event file://test/fixtures/codepipeline/action-failed-codedeploy-2023rev.json',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { event: { type: 'string' }, format: { type: 'string', default: 'text' } },
      strict: true,
    });
    const format = values.format as string;
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new CliUsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'.`);
    }
    const input = await readJsonArgument(io, '--event', values.event);
    let message: ReturnType<typeof buildAlertMessage>;
    try {
      message = buildAlertMessage(parsePipelineEvent(input));
    } catch (error) {
      if (error instanceof InvalidPipelineEventError) {
        io.err(`InvalidPipelineEvent: ${error.message}`);
        return EXIT_USAGE;
      }
      throw error;
    }
    io.out(format === 'json' ? JSON.stringify(message, null, 2) : renderAlertText(message));
    return EXIT_OK;
  },
};
