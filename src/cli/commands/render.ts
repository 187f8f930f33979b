// (CLI) pipewatch render: an event --> the per-execution message notify would post for it, neutral or as Block Kit
import { parseArgs } from 'node:util';
import { InvalidPipelineEventError, parsePipelineEvent } from '../../core/events';
import { executionToAlertMessage, mergeEvent } from '../../core/executions';
import { type AlertMessage, renderAlertText } from '../../core/messages';
import { renderBlockKit } from '../../slack';
import { type CliIo, CliUsageError, EXIT_OK, EXIT_USAGE } from '../io';
import { readJsonArgument } from '../json-argument';
import type { CliCommand } from './command';

const FORMATS = ['text', 'json'] as const;
/** neutral: the AlertMessage every platform starts from; slack: what pipewatch would send to Slack. */
const PLATFORMS = ['neutral', 'slack'] as const;

export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'show the alert pipewatch would post for a CodePipeline event',
  usage: 'pipewatch render --event <json|file://path|-> [--format text|json] [--platform neutral|slack]',
  help: [
    'Reads an EventBridge or CodeStar Notifications CodePipeline event and prints the message notify',
    'would post for it (the message of an execution that has seen this one event) as the neutral',
    'AlertMessage: as text (default) or as JSON. With --platform slack it prints the Block Kit',
    'message instead, as the JSON {text, blocks} that chat.postMessage takes (paste the blocks into',
    'Block Kit Builder to see them). An event that cannot be read exits 2 with the JSON path and the problem.',
    'Examples:',
    '  pipewatch render --event file://test/fixtures/codepipeline/action-failed-codedeploy-2023rev.json',
    '  pipewatch render --platform slack --event file://test/fixtures/codepipeline/pipeline-failed-2023rev.json',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        event: { type: 'string' },
        format: { type: 'string' },
        platform: { type: 'string', default: 'neutral' },
      },
      strict: true,
    });
    const platform = values.platform as string;
    if (!(PLATFORMS as readonly string[]).includes(platform)) {
      throw new CliUsageError(`--platform must be one of ${PLATFORMS.join(', ')}, not '${platform}'.`);
    }
    const format = values.format ?? (platform === 'slack' ? 'json' : 'text');
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new CliUsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'.`);
    }
    // A Slack message is JSON by nature; a text rendering of it would be a second, untested renderer.
    if (platform === 'slack' && format !== 'json') {
      throw new CliUsageError(`--platform slack prints JSON; --format ${format} does not apply.`);
    }
    const input = await readJsonArgument(io, '--event', values.event);
    let message: AlertMessage;
    try {
      // The execution's message, as notify posts it for the first event it merges (without the
      // stage order GetPipeline would add: render reads no account).
      message = executionToAlertMessage(mergeEvent(undefined, parsePipelineEvent(input)));
    } catch (error) {
      if (error instanceof InvalidPipelineEventError) {
        io.err(`InvalidPipelineEvent: ${error.message}`);
        return EXIT_USAGE;
      }
      throw error;
    }
    if (platform === 'slack') io.out(JSON.stringify(renderBlockKit(message), null, 2));
    else io.out(format === 'json' ? JSON.stringify(message, null, 2) : renderAlertText(message));
    return EXIT_OK;
  },
};
