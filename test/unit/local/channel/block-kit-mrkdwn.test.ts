import {
  decodeEntities,
  isSafeUrl,
  parseMrkdwn,
  replaceEmoji,
} from '../../../../src/local/channel/public/block-kit.js';
import { escapeMrkdwn, slackDate } from '../../../../src/slack';

/*
 * The channel page's mrkdwn parser (plain JS loaded by the browser as an ES module). Rendering
 * only ever uses textContent; these check that the tree is what Slack shows.
 */

describe('parseMrkdwn', () => {
  test('bold, italic, strike, code and pre', () => {
    expect(parseMrkdwn('*myPipeline* _failed_ ~old~ `code` ```a\nb```')).toEqual([
      { t: 'bold', c: [{ t: 'text', v: 'myPipeline' }] },
      { t: 'text', v: ' ' },
      { t: 'italic', c: [{ t: 'text', v: 'failed' }] },
      { t: 'text', v: ' ' },
      { t: 'strike', c: [{ t: 'text', v: 'old' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: 'code' },
      { t: 'text', v: ' ' },
      { t: 'pre', v: 'a\nb' },
    ]);
  });

  test('markers inside words or around spaces stay literal', () => {
    expect(parseMrkdwn('snake_case_name 2*3*4 * not bold *')).toEqual([
      { t: 'text', v: 'snake_case_name 2*3*4 * not bold *' },
    ]);
  });

  test('links, mentions and dates', () => {
    expect(parseMrkdwn('<https://example.com/a?b=1&amp;c=2|the console> <@U123> <#C1|deploys> <!here>')).toEqual([
      { t: 'link', url: 'https://example.com/a?b=1&c=2', label: 'the console' },
      { t: 'text', v: ' ' },
      { t: 'mention', kind: 'user', id: 'U123', label: '' },
      { t: 'text', v: ' ' },
      { t: 'mention', kind: 'channel', id: 'C1', label: 'deploys' },
      { t: 'text', v: ' ' },
      { t: 'mention', kind: 'special', id: 'here', label: '@here' },
    ]);
    expect(parseMrkdwn(`at ${slackDate('2026-01-01T10:00:00Z')}`)).toEqual([
      { t: 'text', v: 'at ' },
      { t: 'date', v: '2026-01-01 10:00 UTC' },
    ]);
    expect(parseMrkdwn('<https://x.test>')).toEqual([{ t: 'link', url: 'https://x.test', label: 'https://x.test' }]);
  });

  test('escaped text comes back literally, never as markup', () => {
    const hostile = '<!channel> <script>alert(1)</script> <https://evil|click> & *';
    expect(parseMrkdwn(escapeMrkdwn(hostile))).toEqual([{ t: 'text', v: hostile }]);
    expect(parseMrkdwn(`*${escapeMrkdwn('a <b> & c')}*`)).toEqual([{ t: 'bold', c: [{ t: 'text', v: 'a <b> & c' }] }]);
  });

  test('a literal > quotes a line, an escaped one does not', () => {
    expect(parseMrkdwn('> quoted\nplain')).toEqual([
      { t: 'quote', c: [{ t: 'text', v: 'quoted' }] },
      { t: 'text', v: 'plain' },
    ]);
    expect(parseMrkdwn('&gt; not quoted')).toEqual([{ t: 'text', v: '> not quoted' }]);
  });

  test('unknown angle tokens and unclosed markup are text', () => {
    expect(parseMrkdwn('<notaurl> <!weird> *open `tick')).toEqual([{ t: 'text', v: '<notaurl> <!weird> *open `tick' }]);
  });
});

describe('helpers', () => {
  test('decodeEntities decodes only Slack’s three', () => {
    expect(decodeEntities('&amp;lt; &lt;b&gt; &quot;')).toBe('&lt; <b> &quot;');
  });

  test('isSafeUrl allows web and mail links only', () => {
    expect(isSafeUrl('https://console.aws.amazon.com/')).toBe(true);
    expect(isSafeUrl('mailto:a@b.c')).toBe(true);
    expect(isSafeUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeUrl('data:text/html,x')).toBe(false);
    expect(isSafeUrl('not a url')).toBe(false);
  });

  test('replaceEmoji knows pipewatch’s emoji and leaves others', () => {
    expect(replaceEmoji(':x: :white_check_mark: :unknown_thing:')).toBe('❌ ✅ :unknown_thing:');
  });
});
