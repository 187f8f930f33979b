// (Slack listener) Stop button --> mayPress (core) --> views.open (stop and wait / stop and abandon, and why)
import type { ButtonValue } from '../../../../core/actions';
import { readButtonValue } from '../../click';
import type { SlackAppDeps } from '../../deps';
import type { SlackInstallationConfig } from '../../installation';
import { stopModal } from '../../stop-modal';
import type { UserGroupResolver } from '../../user-groups';
import { modalButtonAction } from './approval';

export type StopValue = Extract<ButtonValue, { kind: 'stop' }>;

/**
 * The modal opens only for someone who may stop the pipeline (the policy's `stop` list): a
 * refusal comes straight back, logged. The stop itself is made on submission (views/stop-submit.ts).
 */
export function stopAction(
  deps: SlackAppDeps,
  groups: UserGroupResolver,
  installation: Pick<SlackInstallationConfig, 'appId'> = {},
) {
  return modalButtonAction(deps, groups, installation, { what: 'stop', read: readStopValue, modal: stopModal });
}

export function readStopValue(raw: string | undefined): StopValue | undefined {
  return readButtonValue(raw, (value): value is StopValue => value.kind === 'stop');
}
