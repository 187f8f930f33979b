import {
  commitMessageOf,
  commitUrl,
  compareUrl,
  type SourceRepository,
  sourceRepositoryOf,
} from '../../../../src/core/triage';

const OLD = '1111111111111111111111111111111111111111';
const NEW = '2222222222222222222222222222222222222222';

describe('commit and compare links, per provider', () => {
  const cases: [SourceRepository, string, string][] = [
    [
      { host: 'GitHub', path: 'octo/shop' },
      `https://github.com/octo/shop/commit/${NEW}`,
      `https://github.com/octo/shop/compare/${OLD}...${NEW}`,
    ],
    [
      { host: 'Bitbucket', path: 'team/shop' },
      `https://bitbucket.org/team/shop/commits/${NEW}`,
      `https://bitbucket.org/team/shop/branches/compare/${NEW}%0D${OLD}`,
    ],
    [
      { host: 'GitLab', path: 'group/sub/shop' },
      `https://gitlab.com/group/sub/shop/-/commit/${NEW}`,
      `https://gitlab.com/group/sub/shop/-/compare/${OLD}...${NEW}`,
    ],
    [
      { host: 'CodeCommit', path: 'shop', region: 'eu-west-1' },
      `https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/commit/${NEW}?region=eu-west-1`,
      `https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/compare/${OLD}/.../${NEW}?region=eu-west-1`,
    ],
    // Another partition: its own console host, the region in the query.
    [
      { host: 'CodeCommit', path: 'shop', region: 'cn-north-1' },
      `https://console.amazonaws.cn/codesuite/codecommit/repositories/shop/commit/${NEW}?region=cn-north-1`,
      `https://console.amazonaws.cn/codesuite/codecommit/repositories/shop/compare/${OLD}/.../${NEW}?region=cn-north-1`,
    ],
    [
      { host: 'CodeCommit', path: 'shop', region: 'us-gov-west-1' },
      `https://console.amazonaws-us-gov.com/codesuite/codecommit/repositories/shop/commit/${NEW}?region=us-gov-west-1`,
      `https://console.amazonaws-us-gov.com/codesuite/codecommit/repositories/shop/compare/${OLD}/.../${NEW}?region=us-gov-west-1`,
    ],
  ];
  test.each(cases)('%j', (repo, commit, compare) => {
    expect(commitUrl(repo, NEW)).toBe(commit);
    expect(compareUrl(repo, OLD, NEW)).toBe(compare);
  });

  test('an id that is not a plain revision token makes no link', () => {
    const repo: SourceRepository = { host: 'GitHub', path: 'octo/shop' };
    expect(commitUrl(repo, '../../evil')).toBeUndefined();
    expect(commitUrl(repo, 'a b')).toBeUndefined();
    expect(compareUrl(repo, OLD, 'x?y=1')).toBeUndefined();
  });
});

describe('the repository of a revision', () => {
  const region = 'us-east-1';
  test.each([
    [`https://github.com/octo/shop/commit/${NEW}`, { host: 'GitHub', path: 'octo/shop' }],
    [`https://bitbucket.org/team/shop/commits/${NEW}`, { host: 'Bitbucket', path: 'team/shop' }],
    [`https://gitlab.com/group/sub/shop/-/commit/${NEW}`, { host: 'GitLab', path: 'group/sub/shop' }],
    [
      `https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/commit/${NEW}?region=eu-west-1`,
      { host: 'CodeCommit', path: 'shop', region: 'eu-west-1' },
    ],
    [
      `https://us-west-2.console.aws.amazon.com/codecommit/home#/repository/shop/commit/${NEW}`,
      { host: 'CodeCommit', path: 'shop', region: 'us-west-2' },
    ],
  ])('from its revisionUrl %s', (revisionUrl, expected) => {
    expect(sourceRepositoryOf({ revisionId: NEW, revisionUrl }, undefined, region)).toEqual(expected);
  });

  const redirect = (provider: string) => ({
    revisionId: NEW,
    revisionSummary: JSON.stringify({ ProviderType: provider, CommitMessage: 'Fix it' }),
    revisionUrl: `https://us-east-1.console.aws.amazon.com/codesuite/settings/connections/redirect?connectionArn=arn%3Aaws%3Acodeconnections%3Aus-east-1%3A123456789012%3Aconnection%2Fabc&referenceType=COMMIT&FullRepositoryId=octo%2Fshop&Commit=${NEW}`,
  });
  test.each([
    ['GitHub', { host: 'GitHub', path: 'octo/shop' }],
    ['Bitbucket', { host: 'Bitbucket', path: 'octo/shop' }],
    ['GitLab', { host: 'GitLab', path: 'octo/shop' }],
    ['GitHubEnterpriseServer', undefined],
    ['GitLabSelfManaged', undefined],
  ])('from a CodeStar connection’s redirect URL, provider %s', (provider, expected) => {
    expect(sourceRepositoryOf(redirect(provider), undefined, region)).toEqual(expected);
  });

  test('from the trigger’s provider and repository when the URL says nothing', () => {
    expect(
      sourceRepositoryOf({ revisionId: NEW }, { providerType: 'GitHub', repository: 'octo/shop' }, region),
    ).toEqual({ host: 'GitHub', path: 'octo/shop' });
    expect(sourceRepositoryOf({ revisionId: NEW }, { providerType: 'CodeCommit', repository: 'shop' }, region)).toEqual(
      { host: 'CodeCommit', path: 'shop', region },
    );
    expect(
      sourceRepositoryOf({ revisionId: NEW }, { providerType: 'S3', repository: 'bucket' }, region),
    ).toBeUndefined();
  });

  test('not a web URL, an unknown host, or a hostile path: none', () => {
    for (const revisionUrl of [
      'javascript:alert(1)',
      'https://example.com/octo/shop/commit/x',
      'https://github.com/octo',
      'https://github.com/octo/%3Cscript%3E/commit/x',
    ]) {
      expect(sourceRepositoryOf({ revisionId: NEW, revisionUrl }, undefined, region)).toBeUndefined();
    }
  });
});

test('a revision summary’s commit message: CodeStar JSON or the text itself', () => {
  expect(commitMessageOf('{"ProviderType":"GitHub","CommitMessage":"Fix it\\n\\nbody"}')).toBe('Fix it\n\nbody');
  expect(commitMessageOf('{"ProviderType":"GitHub"}')).toBeUndefined();
  expect(commitMessageOf('Fix it')).toBe('Fix it');
  expect(commitMessageOf('{not json')).toBe('{not json');
  expect(commitMessageOf('  ')).toBeUndefined();
  expect(commitMessageOf(undefined)).toBeUndefined();
});
