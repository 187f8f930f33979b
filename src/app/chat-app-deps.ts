// (composition) a chat app's ports (Slack's, Teams') from AWS clients: the rule store, CodePipeline per region, the pipeline catalog, click claims, the policy
import {
  createCodePipelineClient,
  createDynamoDbClient,
  createEventBridgeClient,
  createSsmClient,
} from '../aws/clients';
import { CodePipelinePipelineClient } from '../aws/codepipeline-client';
import { DynamoDbClickClaims } from '../aws/dynamodb-click-claims';
import { DynamoDbConversationStore } from '../aws/dynamodb-conversation-store';
import { DynamoDbQuietStore } from '../aws/dynamodb-quiet-store';
import { DynamoDbRunRequesters } from '../aws/dynamodb-run-requesters';
import { EventBridgeRuleStore } from '../aws/eventbridge-rule-store';
import { CachedPipelineCatalog } from '../aws/pipeline-catalog';
import type { ButtonDeps, PolicySource } from '../core/actions';
import type { CommandDeps } from '../core/commands';
import type { PipelineClient } from '../core/ports';

/** The AWS clients a chat function uses: rules, CodePipeline, its table, its secrets. */
export interface ChatFunctionClients {
  readonly eventBridge: ReturnType<typeof createEventBridgeClient>;
  readonly codePipeline: ReturnType<typeof createCodePipelineClient>;
  readonly dynamo: ReturnType<typeof createDynamoDbClient>;
  readonly ssm: ReturnType<typeof createSsmClient>;
}

/** The clients from the environment (endpoints, region, credentials), built once per cold start. */
export function chatFunctionClients(): ChatFunctionClients {
  return {
    eventBridge: createEventBridgeClient(),
    codePipeline: createCodePipelineClient(),
    dynamo: createDynamoDbClient(),
    ssm: createSsmClient(),
  };
}

/** What every chat app's listeners log (the project logger and a test's recording logger both fit). */
export interface ChatAppLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The core's command and button ports, as every chat platform's app uses them. */
export type ChatAppDeps = CommandDeps &
  Omit<ButtonDeps, 'log' | 'conversations'> & {
    readonly pipelinesIn: (region: string) => PipelineClient;
    /** The notify path's conversations: where a retry is noted (and, for Teams, which cards are pipewatch's). */
    readonly conversations: NonNullable<ButtonDeps['conversations']>;
    readonly log: ChatAppLogger;
  };

export interface ChatAdapters {
  readonly eventBridge: ReturnType<typeof createEventBridgeClient>;
  readonly codePipeline: ReturnType<typeof createCodePipelineClient>;
  readonly dynamo: ReturnType<typeof createDynamoDbClient>;
  /** The CodePipeline client's region; a button for another region gets a client of its own. */
  readonly region?: string;
  /** The pipewatch bus, where subscription rules live. */
  readonly busName: string;
  /** The notify function: every subscription rule's one target. */
  readonly notifyFunctionArn: string;
  /** Where EventBridge dead-letters events it could not hand to the notify function. */
  readonly deadLetterArn?: string;
  readonly tableName: string;
  /** Who may retry and approve: read per click, so an edited policy applies within its cache's TTL. */
  readonly policy: PolicySource;
  /** Where the policy lives, as a refused button names it ("the SSM parameter /pipewatch/prod/authorization"). */
  readonly policyLocation?: string;
  readonly log: ChatAppLogger;
  /** Milliseconds since the epoch (Date.now by default): click claims, retry notes, snoozes' start and end. */
  readonly now?: () => number;
}

/** The same ports for every chat function (Slack, Teams), deployed, in the local mode and in tests. */
export function chatAppDepsFor(adapters: ChatAdapters): ChatAppDeps {
  const pipelines = new CodePipelinePipelineClient({
    client: adapters.codePipeline,
    ...(adapters.region === undefined ? {} : { region: adapters.region }),
  });
  return {
    rules: new EventBridgeRuleStore({
      client: adapters.eventBridge,
      busName: adapters.busName,
      targetArn: adapters.notifyFunctionArn,
      ...(adapters.deadLetterArn === undefined ? {} : { deadLetterArn: adapters.deadLetterArn }),
    }),
    pipelines,
    // Built once per cold start, so its short cache serves every command of a warm container.
    catalog: new CachedPipelineCatalog({ source: pipelines }),
    pipelinesIn: (region) => pipelines.inRegion(region),
    clicks: new DynamoDbClickClaims({
      client: adapters.dynamo,
      tableName: adapters.tableName,
      ...(adapters.now === undefined ? {} : { now: adapters.now }),
    }),
    // A retry pressed in chat is noted in the message's conversation, for notify to show who retried.
    conversations: new DynamoDbConversationStore({ client: adapters.dynamo, tableName: adapters.tableName }),
    snoozes: new DynamoDbQuietStore({ client: adapters.dynamo, tableName: adapters.tableName }),
    // Who ran an execution from chat (`run`), for `"selfApproval": false`.
    requesters: new DynamoDbRunRequesters({
      client: adapters.dynamo,
      tableName: adapters.tableName,
      ...(adapters.now === undefined ? {} : { now: adapters.now }),
    }),
    ...(adapters.now === undefined ? {} : { now: adapters.now }),
    policy: adapters.policy,
    ...(adapters.policyLocation === undefined ? {} : { policyLocation: adapters.policyLocation }),
    log: adapters.log,
    ...(adapters.now === undefined ? {} : { now: adapters.now }),
  };
}
