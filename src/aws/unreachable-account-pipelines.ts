// (adapter) CodePipeline of an account or region pipewatch cannot reach --> every call refused with a PipelineApiError naming it
import { PipelineApiError, UNREACHABLE_ACCOUNT } from '../core/port-errors';
import type { PipelineClient, PipelineHistory } from '../core/ports';

/**
 * The PipelineClient for a pipeline pipewatch may not read or act on from here: another account
 * (events forwarded through the bus policy) or a place that is not a region code. Every call is
 * refused with a PipelineApiError that says where and why, never sent to this account's
 * CodePipeline, where a pipeline of the same name would be the wrong one. Enrichment is best
 * effort (the message shows what the events say); a button answers with the reason.
 */
export class UnreachablePipelines implements PipelineClient, PipelineHistory {
  readonly #reason: string;

  constructor(where: { readonly account: string; readonly region: string }) {
    this.#reason = `pipewatch does not act in account ${where.account} (${where.region}) from here: it reads and acts on its own account's pipelines only.`;
  }

  #refuse(): Promise<never> {
    return Promise.reject(new PipelineApiError(UNREACHABLE_ACCOUNT, this.#reason));
  }

  getPipelineState = () => this.#refuse();
  retryStageExecution = () => this.#refuse();
  putApprovalResult = () => this.#refuse();
  getPipelineExecution = () => this.#refuse();
  listActionExecutions = () => this.#refuse();
  getPipelineStageNames = () => this.#refuse();
  stopPipelineExecution = () => this.#refuse();
  startPipelineExecution = () => this.#refuse();
  listPipelineExecutions = () => this.#refuse();
  listPipelineNames = () => this.#refuse();
  getApprovalTimeouts = () => this.#refuse();
}
