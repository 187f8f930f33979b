// (local channel page) public API of the channel page: the page handler, the pipeline panel, signed Slack requests
export {
  CHANNEL_PAGE_PATH,
  type ChannelPageChannel,
  type ChannelPageHandler,
  type ChannelPageOptions,
  type ChannelPageUser,
  createChannelPage,
  lateFallback,
} from './channel-page';
export {
  type CodePipelineCall,
  type LocalPipelinePanelOptions,
  localPipelinePanel,
  type PanelAction,
  type PanelActionState,
  type PanelExecution,
  PanelInputError,
  type PanelPipeline,
  type PanelPipelineState,
  type PanelPosition,
  type PanelStage,
  type PanelStageState,
  type PipelinePanelPort,
  type StartOptions,
} from './pipeline-panel';
export { type PanelPlace, placesPipelinePanel } from './places-pipeline-panel';
export { type InvokeSlack, readAnswer, SLACK_EVENTS_PATH, signedSlackEvent } from './slack-requests';
export type { TeamsPagePort, TeamsPageUser } from './teams-page-port';
