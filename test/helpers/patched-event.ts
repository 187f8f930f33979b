import { type PipelineEvent, parsePipelineEvent } from '../../src/core/events';
import { loadFixture } from './fixtures';

/**
 * The parser refuses names and ids CodePipeline never emits, but a renderer must still take any
 * text (a state stored before, a message built elsewhere): identifiers in the patch are put on the
 * parsed event, the rest goes through the parser.
 */
const IDENTIFIERS: Readonly<Record<string, string>> = {
  pipeline: 'pipeline',
  stage: 'stage',
  action: 'action',
  'execution-id': 'executionId',
};

/** A fixture's event with `detailPatch` applied (identifiers set on the parsed event, the rest parsed). */
export function patchedEvent(path: string, detailPatch: Record<string, unknown>): PipelineEvent {
  const input = structuredClone(loadFixture(path)) as { detail: Record<string, unknown> };
  const identifiers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detailPatch)) {
    const field = IDENTIFIERS[key];
    if (field === undefined) input.detail[key] = value;
    else identifiers[field] = value;
  }
  return { ...parsePipelineEvent(input), ...identifiers } as PipelineEvent;
}
