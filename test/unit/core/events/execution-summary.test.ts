import { parseExecutionSummary } from '../../../../src/core/events';

describe('parseExecutionSummary', () => {
  it('decodes JSON objects only', () => {
    expect(parseExecutionSummary('{"ProviderType":"GitHub"}')).toEqual({
      raw: '{"ProviderType":"GitHub"}',
      text: '{"ProviderType":"GitHub"}',
      fields: { ProviderType: 'GitHub' },
      providerType: 'GitHub',
    });
    expect(parseExecutionSummary('null')).toEqual({ raw: 'null', text: 'null' });
    expect(parseExecutionSummary('{"CommitMessage":7}').commitMessage).toBeUndefined();
  });
});
