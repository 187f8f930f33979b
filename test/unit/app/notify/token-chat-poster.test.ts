import { tokenChatPoster } from '../../../../src/app/notify/token-chat-poster';
import type { AlertMessage } from '../../../../src/core/messages';
import type { ChatPoster } from '../../../../src/core/ports';

const CHANNEL = { platform: 'slack' as const, workspace: 'T1', channel: 'C1' };
const MESSAGE = {} as AlertMessage;

function fakePoster(token: string, calls: string[]): ChatPoster {
  return {
    post: async () => {
      calls.push(`post with ${token}`);
      return { messageId: `${token}-1` };
    },
    update: async () => {
      calls.push(`update with ${token}`);
    },
    reply: async () => {
      calls.push(`reply with ${token}`);
      return { messageId: `${token}-2` };
    },
    updateReply: async () => {
      calls.push(`updateReply with ${token}`);
    },
  };
}

describe('tokenChatPoster', () => {
  test('asks for the token at each call only, builds one poster per token, a new one after a rotation', async () => {
    const calls: string[] = [];
    const built: string[] = [];
    let token = 'xoxb-1';
    const asked = jest.fn(async () => token);
    const chat = tokenChatPoster(asked, (value) => {
      built.push(value);
      return fakePoster(value, calls);
    });
    expect(asked).not.toHaveBeenCalled();
    expect(await chat.post(CHANNEL, MESSAGE)).toEqual({ messageId: 'xoxb-1-1' });
    await chat.update(CHANNEL, 'm', MESSAGE);
    token = 'xoxb-2';
    expect(await chat.reply(CHANNEL, 'm', MESSAGE)).toEqual({ messageId: 'xoxb-2-2' });
    await chat.updateReply(CHANNEL, 'r', MESSAGE);
    expect(calls).toEqual(['post with xoxb-1', 'update with xoxb-1', 'reply with xoxb-2', 'updateReply with xoxb-2']);
    expect(built).toEqual(['xoxb-1', 'xoxb-2']);
    expect(asked).toHaveBeenCalledTimes(4);
  });

  test('a token that cannot be read fails the chat call', async () => {
    const chat = tokenChatPoster(
      () => Promise.reject(new Error('cannot read SSM parameter /x: AccessDenied')),
      () => fakePoster('never', []),
    );
    await expect(chat.post(CHANNEL, MESSAGE)).rejects.toThrow('AccessDenied');
  });
});
