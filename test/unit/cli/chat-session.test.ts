// The chat's slash commands: what /model, /mode and /provider change in the request the next question sends, what
// they refuse, and /new.
import { describe, expect, it } from 'vitest';
import { messagesOf, runCommand, type ChatSession } from '../../../src/cli/chat-session.js';
import { chatBody } from '../../../src/cli/completion.js';

function session(): ChatSession {
  return {
    routing: { model: 'auto' },
    system: 'Be brief.',
    turns: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello', model: 'alpha/alpha-chat' },
    ],
    models: ['alpha/alpha-chat', 'beta/beta-chat'],
  };
}

/** The body the next question would send. */
const nextBody = (chat: ChatSession) => chatBody(chat.routing, messagesOf(chat), true);

describe('chat slash commands', () => {
  it('/mode sets the model_quality the gateway routes auto by, and refuses a mode it does not have', async () => {
    const chat = session();
    expect(nextBody(chat)).not.toHaveProperty('model_quality');
    expect((await runCommand(chat, '/mode fastest')).say).toBe('model auto · mode fastest · any provider');
    expect(nextBody(chat)).toMatchObject({ model: 'auto', model_quality: 'fastest' });
    expect((await runCommand(chat, '/mode quick')).say).toBe(
      'Unknown mode quick: one of fastest, balanced, best_quality.',
    );
    expect(chat.routing.mode).toBe('fastest');
  });

  it("/provider pins the gateway's provider field; any unpins it; an unknown one is refused", async () => {
    const chat = session();
    await runCommand(chat, '/provider beta');
    expect(nextBody(chat)).toMatchObject({ provider: 'beta' });
    expect((await runCommand(chat, '/provider gamma')).say).toBe(
      'The gateway has no provider gamma: one of alpha, beta.',
    );
    expect(chat.routing.provider).toBe('beta');
    await runCommand(chat, '/provider any');
    expect(nextBody(chat)).not.toHaveProperty('provider');
  });

  it('/model takes provider/model, a bare model id or auto, and refuses one the gateway does not serve', async () => {
    const chat = session();
    await runCommand(chat, '/model beta/beta-chat');
    expect(nextBody(chat).model).toBe('beta/beta-chat');
    await runCommand(chat, '/model alpha-chat');
    expect(nextBody(chat).model).toBe('alpha-chat');
    expect((await runCommand(chat, '/model gpt-9')).say).toBe('The gateway serves no model gpt-9: /models lists them.');
    expect(nextBody(chat).model).toBe('alpha-chat');
    await runCommand(chat, '/model auto');
    expect(nextBody(chat).model).toBe('auto');
  });

  it('sends the system prompt first, then the turns without their notes; /new forgets the turns', async () => {
    const chat = session();
    expect(nextBody(chat)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
    });
    expect((nextBody(chat).messages as object[])[2]).not.toHaveProperty('model');
    await runCommand(chat, '/new');
    expect(messagesOf(chat)).toEqual([{ role: 'system', content: 'Be brief.' }]);
  });

  it('/exit and /quit quit; anything else unknown is said, not sent', async () => {
    expect(await runCommand(session(), '/exit')).toEqual({ say: '', exit: true });
    expect(await runCommand(session(), '/quit')).toEqual({ say: '', exit: true });
    expect(await runCommand(session(), '/mdoel x')).toEqual({ say: 'Unknown command /mdoel: /help lists them.' });
  });
});
