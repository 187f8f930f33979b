// (local AWS) (account, region) --> its place: its own CodePipeline simulator, CodeBuild, Logs and EventBridge (default bus); forwarding between places' buses
import path from 'node:path';
import type { Clock } from './clock';
import { LocalCodeBuild } from './codebuild/local-codebuild';
import { LocalCodePipeline } from './codepipeline/local-codepipeline';
import { type ForwardOutcome, LocalEventBridge } from './eventbridge/local-eventbridge';
import type { LambdaRegistry } from './lambda-registry';
import { LocalLogs } from './logs/local-logs';
import type { LocalService } from './service';

/** A place of the local AWS besides the home account's home region. */
export interface LocalAwsPlaceOptions {
  /** 12 digits; the home account's id for another region of the home account. */
  accountId: string;
  region: string;
  /** Pipelines to create at start in this place (the simulator's definitions format or the AWS shape). */
  definitionsFile?: string;
}

/**
 * One account in one region: its own pipelines, executions and builds, its own buses (a default
 * bus at least), and the events its simulator emits carry its account and region.
 */
export interface LocalAwsPlace {
  readonly accountId: string;
  readonly region: string;
  readonly eventBridge: LocalEventBridge;
  readonly codePipeline: LocalCodePipeline;
  readonly codeBuild: LocalCodeBuild;
  readonly logs: LocalLogs;
}

export interface PlaceSettings {
  accountId: string;
  region: string;
  clock: Clock;
  lambdas: LambdaRegistry;
  dataDir: string | undefined;
  definitionsFile?: string | undefined;
  random?: (() => number) | undefined;
  rulesPerBus?: number | undefined;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The local AWS's places. A request is answered by the place of its signer's account and its
 * SigV4 scope's region; a region with no place of that account is answered by the account's first
 * place (for the home account, the home place: with no other place configured, every region is
 * answered as before there were places).
 */
export class Places {
  private readonly list: LocalAwsPlace[] = [];

  /** Creates a place, its buses forwarding to the other places' buses. */
  create(settings: PlaceSettings): LocalAwsPlace {
    if (!ACCOUNT.test(settings.accountId)) throw new Error(`account id must be 12 digits, not ${settings.accountId}`);
    if (!REGION.test(settings.region)) throw new Error(`${JSON.stringify(settings.region)} is not a region name`);
    if (this.exact(settings.accountId, settings.region) !== undefined) {
      throw new Error(`the place ${settings.accountId} ${settings.region} is configured twice`);
    }
    const eventBridge = new LocalEventBridge({
      region: settings.region,
      accountId: settings.accountId,
      lambdas: settings.lambdas,
      clock: settings.clock,
      dataDir: settings.dataDir,
      rulesPerBus: settings.rulesPerBus,
      forwardElsewhere: (event, busArn, hops) => this.forward(event, busArn, hops, settings.accountId),
    });
    const logs = new LocalLogs();
    const codeBuild = new LocalCodeBuild(logs);
    const codePipeline = new LocalCodePipeline({
      region: settings.region,
      accountId: settings.accountId,
      clock: settings.clock,
      dataDir: settings.dataDir,
      definitionsFile: settings.definitionsFile,
      random: settings.random,
      emit: (entries) => eventBridge.putEventsInternal(entries),
      onBuild: (build) => codeBuild.recordBuild(build),
    });
    const place = {
      accountId: settings.accountId,
      region: settings.region,
      eventBridge,
      codePipeline,
      codeBuild,
      logs,
    };
    this.list.push(place);
    return place;
  }

  all(): readonly LocalAwsPlace[] {
    return this.list;
  }

  exact(accountId: string, region: string): LocalAwsPlace | undefined {
    return this.list.find((place) => place.accountId === accountId && place.region === region);
  }

  /** The place that answers a request of `accountId` signed for `region`. */
  resolve(accountId: string, region: string): LocalAwsPlace | undefined {
    return this.exact(accountId, region) ?? this.list.find((place) => place.accountId === accountId);
  }

  /** The place's service with this JSON target prefix, if it is one of a place's. */
  static service(place: LocalAwsPlace, targetPrefix: string | undefined): LocalService | undefined {
    return [place.eventBridge, place.codePipeline, place.codeBuild, place.logs].find(
      (service) => service.targetPrefix === targetPrefix,
    );
  }

  async close(): Promise<void> {
    for (const place of this.list) place.codePipeline.close();
    await Promise.all(this.list.map((place) => place.eventBridge.close()));
  }

  private forward(event: Record<string, unknown>, busArn: string, hops: number, sender: string): ForwardOutcome {
    const match = /^arn:aws[\w-]*:events:([^:]+):(\d{12}):event-bus\//.exec(busArn);
    const place = match === null ? undefined : this.exact(match[2] ?? '', match[1] ?? '');
    return place === undefined ? 'no-bus' : place.eventBridge.receiveForwarded(event, busArn, hops, sender);
  }
}

/** Where a place other than the home one keeps its state under the data directory. */
export function placeDataDir(dataDir: string | undefined, accountId: string, region: string): string | undefined {
  return dataDir === undefined ? undefined : path.join(dataDir, 'accounts', accountId, region);
}
