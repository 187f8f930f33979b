// (unit test) which installation a Slack request comes from, and when it is refused
import { installationRefusal, requestOrigin, type SlackInstallation } from '../../../src/slack/app/installation';

const WORKSPACE: SlackInstallation = { teamId: 'T1', enterpriseId: null, enterpriseInstall: false, appId: 'A1' };

const command = (fields: Record<string, string>) => ({
  command: '/pipewatch',
  team_id: 'T1',
  api_app_id: 'A1',
  ...fields,
});
const click = (overrides: Record<string, unknown> = {}) => ({
  type: 'block_actions',
  team: { id: 'T1', domain: 'x' },
  user: { id: 'U1', team_id: 'T1' },
  api_app_id: 'A1',
  enterprise: null,
  ...overrides,
});

describe('requestOrigin', () => {
  test('a command and a view submission name their team, enterprise, app and bot', () => {
    expect(requestOrigin(command({ enterprise_id: 'E1' }))).toEqual({
      kind: 'command',
      teams: ['T1'],
      userTeam: undefined,
      enterprise: 'E1',
      apps: ['A1'],
      viewBot: undefined,
    });
    expect(
      requestOrigin({
        type: 'view_submission',
        team: { id: 'T1' },
        user: { id: 'U1', team_id: 'T1' },
        api_app_id: 'A1',
        view: { team_id: 'T1', app_id: 'A1', app_installed_team_id: 'T1', bot_id: 'B1' },
      }),
    ).toMatchObject({ kind: 'view_submission', teams: ['T1', 'T1', 'T1'], apps: ['A1', 'A1'], viewBot: 'B1' });
  });

  test('anything unreadable names nothing', () => {
    expect(requestOrigin(null)).toEqual({
      kind: 'unknown',
      teams: [],
      apps: [],
      userTeam: undefined,
      enterprise: undefined,
      viewBot: undefined,
    });
  });
});

describe('installationRefusal', () => {
  test.each<[string, unknown, string | undefined]>([
    ['this workspace and app', command({}), undefined],
    ['another team', command({ team_id: 'T2' }), 'another workspace'],
    ['another app', command({ api_app_id: 'A2' }), 'another app'],
    ['an enterprise the workspace is not in', command({ enterprise_id: 'E1' }), 'another enterprise'],
    ['a click of this workspace', click(), undefined],
    ['a clicker of another workspace', click({ user: { id: 'U9', team_id: 'T2' } }), 'a user of another workspace'],
    ['an org-wide click without a team', click({ team: null }), 'no team'],
    [
      'a view of another bot',
      click({ type: 'view_submission', view: { bot_id: 'B2', app_id: 'A1' } }),
      "another bot's view",
    ],
  ])('%s', (_name, body, refusal) => {
    expect(installationRefusal(WORKSPACE, requestOrigin(body), 'B1')).toBe(refusal);
  });

  test('without an app id configured, only the workspace is bound', () => {
    const teamOnly = { ...WORKSPACE, appId: undefined };
    expect(installationRefusal(teamOnly, requestOrigin(command({ api_app_id: 'A2' })), 'B1')).toBeUndefined();
    expect(installationRefusal(teamOnly, requestOrigin(command({ team_id: 'T2' })), 'B1')).toBe('another workspace');
  });

  test('a configured team (enterprise unknown): team ids are unique, so the enterprise is not compared', () => {
    const configured: SlackInstallation = { teamId: 'T1', enterpriseInstall: false };
    expect(installationRefusal(configured, requestOrigin(command({ enterprise_id: 'E1' })), 'B1')).toBeUndefined();
  });

  test('Enterprise Grid: a person from another workspace of the same org may click; one of another org may not', () => {
    const grid: SlackInstallation = { teamId: 'T1', enterpriseId: 'E1', enterpriseInstall: false };
    const sameOrg = click({ enterprise: { id: 'E1' }, user: { id: 'W1', team_id: 'T2' } });
    expect(installationRefusal(grid, requestOrigin(sameOrg), 'B1')).toBeUndefined();
    const otherOrg = click({ enterprise: { id: 'E2' }, user: { id: 'W1', team_id: 'T2' } });
    expect(installationRefusal(grid, requestOrigin(otherOrg), 'B1')).toBe('another enterprise');
  });

  test('an org-wide install binds the enterprise, any of its workspaces', () => {
    const org: SlackInstallation = { enterpriseId: 'E1', enterpriseInstall: true };
    expect(
      installationRefusal(org, requestOrigin(click({ team: null, enterprise: { id: 'E1' } })), 'B1'),
    ).toBeUndefined();
    expect(installationRefusal(org, requestOrigin(click({ team: null, enterprise: { id: 'E2' } })), 'B1')).toBe(
      'another enterprise',
    );
    expect(installationRefusal(org, requestOrigin(click({ team: null })), 'B1')).toBe('another enterprise');
  });
});
