import path from 'node:path';
import { SocketModeReceiver } from '@slack/bolt';
import { welcome } from '../../../../src/cli/commands/local';
import { runCli } from '../../../../src/cli/main';
import { ConfigurationError } from '../../../../src/config/environment';
import { chooseRunMode } from '../../../../src/local/dev-server/run-mode';
import {
  createSocketModeReceiver,
  LOCAL_AUTHORIZATION_FILE,
  policyFileLocation,
} from '../../../../src/local/dev-server/start-local-pipewatch';

const BOT = 'xoxb-1-2-abc';
const APP = 'xapp-1-A1-2-def';
const DEPLOYED = {
  PIPEWATCH_EVENT_BUS: 'pipewatch-prod',
  PIPEWATCH_TABLE: 'pipewatch-prod-StateTable-1',
  PIPEWATCH_NOTIFY_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:pipewatch-prod-notify',
};

describe('chooseRunMode: which Slack and which AWS `pipewatch local` uses', () => {
  test('no Slack tokens: the local channel page and the local AWS', () => {
    expect(chooseRunMode({})).toEqual({ slack: { kind: 'local' }, aws: 'local' });
    expect(chooseRunMode({ SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: ' ' })).toEqual({
      slack: { kind: 'local' },
      aws: 'local',
    });
  });

  test('both tokens: Socket Mode in the real workspace, AWS still local', () => {
    expect(chooseRunMode({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP })).toEqual({
      slack: { kind: 'socket', botToken: BOT, appToken: APP },
      aws: 'local',
    });
  });

  test('one token without the other is refused, naming the missing one', () => {
    expect(() => chooseRunMode({ SLACK_BOT_TOKEN: BOT })).toThrow(/SLACK_APP_TOKEN is not set/);
    expect(() => chooseRunMode({ SLACK_APP_TOKEN: APP })).toThrow(/SLACK_BOT_TOKEN is not set/);
  });

  test('tokens of the wrong kind are refused without echoing them', () => {
    const swapped = () => chooseRunMode({ SLACK_BOT_TOKEN: APP, SLACK_APP_TOKEN: BOT });
    expect(swapped).toThrow(ConfigurationError);
    expect(swapped).toThrow(/xoxb-…/);
    try {
      swapped();
    } catch (error) {
      expect((error as Error).message).not.toContain(BOT);
      expect((error as Error).message).not.toContain(APP);
    }
    expect(() => chooseRunMode({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: 'xoxb-2' })).toThrow(/connections:write/);
  });

  test('--aws real needs real Slack: the deployed notify function cannot post to the local page', () => {
    expect(() => chooseRunMode(DEPLOYED, 'real')).toThrow(/--aws real needs real Slack/);
  });

  test('--aws real with real Slack uses the deployed stack named in the environment', () => {
    expect(chooseRunMode({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, ...DEPLOYED }, 'real')).toEqual({
      slack: { kind: 'socket', botToken: BOT, appToken: APP },
      aws: 'real',
      deployed: {
        eventBus: 'pipewatch-prod',
        table: 'pipewatch-prod-StateTable-1',
        notifyFunctionArn: DEPLOYED.PIPEWATCH_NOTIFY_FUNCTION_ARN,
      },
    });
  });

  test('--aws real without the deployed names lists what is missing', () => {
    expect(() =>
      chooseRunMode({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, PIPEWATCH_EVENT_BUS: 'b' }, 'real'),
    ).toThrow(/PIPEWATCH_TABLE, PIPEWATCH_NOTIFY_FUNCTION_ARN/);
  });
});

describe('the Socket Mode receiver', () => {
  test("is Bolt's own SocketModeReceiver, built without connecting", () => {
    const receiver = createSocketModeReceiver(APP);
    expect(receiver).toBeInstanceOf(SocketModeReceiver);
  });
});

describe('pipewatch local (command line)', () => {
  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      out: (text) => {
        out += `${text}\n`;
      },
      err: (text) => {
        err += `${text}\n`;
      },
      readFile: async () => '',
      readStdin: async () => '',
    });
    return { code, out, err };
  }

  test('--help names every option', async () => {
    const { code, out } = await cli('local', '--help');
    expect(code).toBe(0);
    for (const option of ['--port', '--data', '--pipelines', '--speed', '--aws', 'SLACK_APP_TOKEN']) {
      expect(out).toContain(option);
    }
  });

  test.each([
    [['--port', 'x'], /--port/],
    [['--speed', '0'], /--speed/],
    [['--aws', 'cloud'], /--aws must be local or real/],
  ])('refuses %j', async (args, message) => {
    const { code, err } = await cli('local', ...args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  test('the welcome text gives the URL and three things to try', () => {
    const text = welcome({
      url: 'http://127.0.0.1:3000/channel/',
      aws: undefined,
      mode: { slack: { kind: 'local' }, aws: 'local' },
    });
    expect(text).toContain('http://127.0.0.1:3000/channel/');
    expect(text).toContain('/pipewatch subscribe myPipeline');
    expect(text).toMatch(/1\.[\s\S]*2\.[\s\S]*3\./);
  });
});

describe('policyFileLocation: the policy file a refused button names', () => {
  test('relative to where pipewatch was started when inside it, else as given', () => {
    const repository = path.resolve(LOCAL_AUTHORIZATION_FILE, '../..');
    expect(policyFileLocation(LOCAL_AUTHORIZATION_FILE, repository)).toBe(path.join('local', 'authorization.json'));
    expect(policyFileLocation('/etc/pipewatch/policy.json', repository)).toBe('/etc/pipewatch/policy.json');
  });
});

describe('chooseRunMode: which Teams `pipewatch local` uses', () => {
  const registration = {
    TEAMS_APP_ID: '11111111-0000-4000-8000-000000000001',
    TEAMS_CLIENT_SECRET: 'secret~value',
    TEAMS_TENANT_ID: '22222222-0000-4000-8000-000000000002',
  };

  test('no registration: the local Microsoft identity and Bot Connector', () => {
    expect(chooseRunMode({}).teams ?? { kind: 'local' }).toEqual({ kind: 'local' });
  });

  test("the bot's registration: a real tenant, the messaging endpoint on 3978 unless TEAMS_PORT says", () => {
    expect(chooseRunMode(registration).teams).toEqual({
      kind: 'real',
      ...{
        appId: registration.TEAMS_APP_ID,
        clientSecret: registration.TEAMS_CLIENT_SECRET,
        tenantId: registration.TEAMS_TENANT_ID,
      },
      port: 3978,
    });
    expect(chooseRunMode({ ...registration, TEAMS_PORT: '4000' }).teams).toMatchObject({ kind: 'real', port: 4000 });
  });

  test('a half-given registration or a bad port is refused, naming what is missing, never echoing the secret', () => {
    const half = () => chooseRunMode({ TEAMS_APP_ID: registration.TEAMS_APP_ID, TEAMS_CLIENT_SECRET: 'secret~value' });
    expect(half).toThrow(ConfigurationError);
    expect(half).toThrow(/TEAMS_TENANT_ID/);
    try {
      half();
    } catch (error) {
      expect(String(error)).not.toContain('secret~value');
    }
    expect(() => chooseRunMode({ ...registration, TEAMS_PORT: 'http' })).toThrow(/TEAMS_PORT/);
  });
});
