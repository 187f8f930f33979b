// (core) the command names, their usage lines, summaries and examples --> the help text
import { SUBSCRIBE_USAGE } from '../subscriptions';
import type { CommandName } from './command';

export const COMMAND_NAMES: readonly CommandName[] = [
  'subscribe',
  'unsubscribe',
  'list',
  'status',
  'run',
  'snooze',
  'unsnooze',
  'help',
];

export const USAGE: Readonly<Record<CommandName, string>> = {
  subscribe: SUBSCRIBE_USAGE,
  unsubscribe: 'unsubscribe <id | the same arguments as subscribe | all>',
  list: 'list',
  status: 'status [pipeline]',
  run: 'run <pipeline>',
  snooze: 'snooze <pipeline> <30m | 2h | 1d … at most 7d | off>',
  unsnooze: 'unsnooze <pipeline>',
  help: 'help [command]',
};

const EXAMPLES: Readonly<Record<CommandName, readonly string[]>> = {
  subscribe: [
    'subscribe myPipeline FAILED --level pipeline',
    'subscribe * FAILED --category Deploy,Build',
    'subscribe api-* FAILED SUCCEEDED',
    'subscribe myPipeline STARTED --category Approval',
    'subscribe new-service FAILED --allow-missing',
    'subscribe myPipeline --transitions',
    'subscribe myPipeline --transitions --stage Build',
    'subscribe --pattern {"source":["aws.codepipeline"],"detail":{"state":["FAILED"]}}',
  ],
  unsubscribe: ['unsubscribe 0k3x9q2m7a', 'unsubscribe myPipeline FAILED --level pipeline', 'unsubscribe all'],
  list: ['list'],
  status: ['status myPipeline', 'status'],
  run: ['run myPipeline'],
  snooze: ['snooze myPipeline 2h', 'snooze myPipeline 30m', 'snooze myPipeline off'],
  unsnooze: ['unsnooze myPipeline'],
  help: ['help subscribe'],
};

const SUMMARY: Readonly<Record<CommandName, string>> = {
  subscribe: 'post pipeline, stage or action state changes to this channel',
  unsubscribe: 'stop one subscription of this channel, or all of them',
  list: "this channel's subscriptions, with their ids",
  status: "a pipeline's current state, stage by stage; alone, how many rules the pipewatch bus holds against its quota",
  run: 'start an execution of a pipeline (for those the policy lists under "run"); its message follows here',
  snooze: 'mute a pipeline in this channel for a while; its failures are summarised when the snooze ends',
  unsnooze: "end this channel's snooze of a pipeline",
  help: 'this help',
};

/** The help text, as lines; `command` is how the platform invokes pipewatch (`/pipewatch`). */
export function helpText(command: string, topic?: CommandName): string {
  if (topic !== undefined) {
    return [
      `\`${command} ${USAGE[topic]}\``,
      SUMMARY[topic],
      'Examples:',
      ...EXAMPLES[topic].map((e) => `• \`${command} ${e}\``),
      ...(topic === 'subscribe'
        ? [
            'States are case-insensitive: pipelines STARTED SUCCEEDED RESUMED FAILED CANCELED SUPERSEDED STOPPING STOPPED; stages the same but SUPERSEDED; actions STARTED SUCCEEDED FAILED CANCELED ABANDONED.',
            'Without `--level`, states apply to every level where they exist. `--pattern` takes a raw EventBridge pattern restricted to `"source": ["aws.codepipeline"]`.',
            '`--transitions` posts only when the pipeline (or the `--stage`) goes from success to failure ("broken") and back ("fixed").',
            'Pipeline and stage names are checked against the account: a name that does not exist is refused, with the nearest one. A prefix such as `api-*` that matches nothing yet is accepted with a note; `--allow-missing` subscribes to names that do not exist yet.',
          ]
        : []),
    ].join('\n');
  }
  return [
    'pipewatch posts AWS CodePipeline state changes here and lets you act on them.',
    ...COMMAND_NAMES.map((name) => `• \`${command} ${USAGE[name]}\`: ${SUMMARY[name]}`),
  ].join('\n');
}
