// (local Slack) views.open (a fresh trigger id) and views.update (view_id or external_id, hash) --> validated modals
import { z } from 'zod';
import { decodeJsonArg, parseArgs } from '../request-args';
import { invalidArguments, SlackApiError } from '../slack-api-error';
import type { OpenedView } from '../types';
import { validateModalView } from '../view-validation';
import type { LocalWorkspace } from '../workspace';
import type { SlackMethod } from './method';

function readView(value: unknown): Record<string, unknown> {
  const decoded = decodeJsonArg(value);
  if (!decoded.ok) throw invalidArguments(['view must be valid JSON [json-pointer:/view]']);
  const errors = validateModalView(decoded.value);
  if (errors.length > 0) throw invalidArguments(errors);
  return decoded.value as Record<string, unknown>;
}

function toWireView(workspace: LocalWorkspace, opened: OpenedView): Record<string, unknown> {
  const view = opened.view;
  return {
    ...view,
    id: opened.id,
    team_id: workspace.teamId,
    private_metadata: view.private_metadata ?? '',
    callback_id: view.callback_id ?? '',
    external_id: view.external_id ?? '',
    state: { values: {} },
    hash: opened.hash,
    clear_on_close: view.clear_on_close ?? false,
    notify_on_close: view.notify_on_close ?? false,
    root_view_id: opened.id,
    previous_view_id: null,
    app_id: workspace.appId,
    bot_id: workspace.botId,
  };
}

const OpenArgs = z.object({ trigger_id: z.string(), view: z.unknown() });

/** views.open: the trigger must be one the local Slack issued, unused and younger than 3 s. */
export const open: SlackMethod = (raw, workspace) => {
  const args = parseArgs(OpenArgs, raw, ['trigger_id', 'view']);
  const view = readView(args.view);
  const trigger = workspace.triggers.exchange(args.trigger_id);
  if (!trigger.ok) throw new SlackApiError(trigger.error);
  if (view.external_id !== undefined && workspace.findViewByExternalId(String(view.external_id)) !== undefined) {
    throw new SlackApiError('duplicate_external_id');
  }
  const opened = workspace.openView(args.trigger_id, trigger.userId, view);
  return { view: toWireView(workspace, opened) };
};

const UpdateArgs = z.object({
  view_id: z.string().optional(),
  external_id: z.string().optional(),
  hash: z.string().optional(),
  view: z.unknown(),
});

/** views.update by view_id or external_id; a stale `hash` is `hash_conflict`, as in Slack. */
export const update: SlackMethod = (raw, workspace) => {
  const args = parseArgs(UpdateArgs, raw, ['view']);
  if (args.view_id === undefined && args.external_id === undefined) throw new SlackApiError('missing_argument');
  const view = readView(args.view);
  const opened =
    args.view_id !== undefined ? workspace.view(args.view_id) : workspace.findViewByExternalId(args.external_id ?? '');
  if (opened === undefined) throw new SlackApiError('not_found');
  if (args.hash !== undefined && args.hash !== opened.hash) throw new SlackApiError('hash_conflict');
  workspace.updateView(opened, view);
  return { view: toWireView(workspace, opened) };
};
