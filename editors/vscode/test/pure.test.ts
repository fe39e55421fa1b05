// The extension's pure parts: the answer's markdown made safe, the refactor's code block, the conversation carried in
// the prompt, the agent panel's lines and the messages of gateway failures.
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../src/agent/describe.js';
import { composePrompt } from '../src/chat/conversation.js';
import { contentSecurityPolicy, chatHtml, makeNonce } from '../src/chat/html.js';
import { firstCodeBlock } from '../src/commands/code-block.js';
import { explain, GatewayError } from '../src/gateway/errors.js';
import { readChatStream } from '../src/gateway/sse.js';
import { renderMarkdown } from '../src/webview/render.js';

describe('renderMarkdown', () => {
  it('renders markdown, and gives each code block its three buttons and its code by index', () => {
    const { html, codes } = renderMarkdown(
      'Use **this**:\n\n```ts\nconst a = 1 < 2;\n```\n\nand `x`.\n\n```\nplain\n```',
    );
    expect(html).toContain('<strong>this</strong>');
    expect(html).toContain('<code class="language-ts">const a = 1 &lt; 2;</code>');
    expect(html.match(/data-action="insert"/g)).toHaveLength(2);
    expect(html).toContain('data-action="replace" data-index="1"');
    expect(html).toContain('>Copy</button>');
    expect(codes).toEqual(['const a = 1 < 2;', 'plain']);
  });

  it('shows raw HTML as text, drops unsafe links and every image', () => {
    const { html } = renderMarkdown(
      '<script>alert(1)</script>\n\nhi <img src=x onerror="alert(2)"> [bad](javascript:alert(3)) ' +
        '[ok](https://example.com) ![pic](https://tracker.example/p.png)',
    );
    expect(html).not.toMatch(/<script|<img|javascript:|tracker\.example/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(html).toContain('bad');
    expect(html).toContain('<a href="https://example.com">ok</a>');
    expect(html).toContain('pic');
  });

  it('renders a stream cut inside a fence as a code block so far', () => {
    const { codes } = renderMarkdown('Here:\n\n```py\ndef f():\n    ret');
    expect(codes).toEqual(['def f():\n    ret']);
  });
});

describe('the chat page', () => {
  it('allows only its own nonce-tagged script and styles, and nothing remote', () => {
    const nonce = makeNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(makeNonce()).not.toBe(nonce);
    const csp = contentSecurityPolicy({ cspSource: 'vscode-resource:', nonce });
    expect(csp).toBe(
      `default-src 'none'; img-src vscode-resource: data:; style-src vscode-resource: 'nonce-${nonce}'; ` +
        `font-src vscode-resource:; script-src 'nonce-${nonce}'`,
    );
    const html = chatHtml({ cspSource: 'vscode-resource:', nonce, scriptUri: 'vscode-resource:/dist/webview.js' });
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp}">`);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script nonce="${nonce}" src="vscode-resource:/dist/webview.js"></script>`);
    expect(html).not.toMatch(/https?:\/\//);
  });
});

describe('firstCodeBlock', () => {
  it('takes the first fenced block, whatever its language line', () => {
    expect(firstCodeBlock('Sure:\n\n```typescript\nconst b = 2;\nreturn b;\n```\n\nDone.\n```\nx\n```')).toBe(
      'const b = 2;\nreturn b;',
    );
    expect(firstCodeBlock('~~~\nA\n~~~')).toBe('A');
    expect(firstCodeBlock('No code here.')).toBeUndefined();
  });
});

describe('composePrompt', () => {
  it('is the prompt alone first, then carries the latest four turns with long answers cut', () => {
    expect(composePrompt([], 'Why?')).toBe('Why?');
    const turns = Array.from({ length: 6 }, (_, i) => ({
      prompt: `q${i}`,
      answer: i === 5 ? 'x'.repeat(5_000) : `a${i}`,
    }));
    const prompt = composePrompt(turns, 'And now?');
    expect(prompt).not.toContain('q1');
    expect(prompt).toContain('User: q2\nAssistant: a2');
    expect(prompt).toContain(`Assistant: ${'x'.repeat(4_000)}\n[…]`);
    expect(prompt.endsWith('\n\nNow: And now?')).toBe(true);
  });
});

describe('describeEvent', () => {
  const event = (type: string, data: Record<string, unknown>, node?: string) => ({
    run_id: 'r',
    seq: 1,
    ts: 0,
    type,
    data,
    ...(node ? { node } : {}),
  });

  it('names nodes, tool calls and their results, questions and the outcome', () => {
    expect(describeEvent(event('node_started', {}, 'agent'))).toBe('  · agent');
    expect(describeEvent(event('tool_call', { name: 'write_file', args: { filepath: 'a.ts' } }))).toBe(
      '    → write_file a.ts',
    );
    expect(describeEvent(event('tool_call', { name: 'ask_human_for_input', args: {} }))).toBeUndefined();
    expect(
      describeEvent(event('tool_result', { name: 'read_file', status: 'error', content: 'no such file\nmore' })),
    ).toBe('    ✗ read_file: no such file');
    expect(describeEvent(event('interrupt', { kind: 'approval', question: 'Write a.ts?' }))).toBe(
      '  ? waits for approval: Write a.ts?',
    );
    expect(
      describeEvent(event('run_finished', { agent_status: 'completed', model: 'alpha/m', files_written: ['a.ts'] })),
    ).toBe('■ completed (alpha/m); files written: a.ts');
    expect(describeEvent(event('run_failed', { error_details: { code: 'time_limit', message: 'out of time' } }))).toBe(
      '■ failed: out of time (time_limit)',
    );
    expect(describeEvent(event('token', { text: 'x' }))).toBeUndefined();
  });
});

describe('explain', () => {
  const url = 'http://127.0.0.1:8000';
  it('says what to do for each failure', () => {
    expect(explain(new GatewayError('Invalid client key', 401, 'invalid_api_key'), url)).toMatch(
      /refused the client key \(Invalid client key\)\. Run "Switchboard: Set client key"/,
    );
    expect(explain(new GatewayError('Rate limit', 429, 'rate_limit_exceeded', 17), url)).toContain('Try again in 17 s');
    expect(explain(new GatewayError('No provider', 503, 'service_unavailable'), url)).toContain('switchboard status');
    expect(explain(new GatewayError('cannot reach', 0, 'unreachable'), url)).toContain(
      `no gateway answers at ${url}. Start one with \`switchboard serve\``,
    );
    expect(explain(new Error('boom'), url)).toBe('Switchboard: boom');
  });
});

describe('readChatStream', () => {
  const stream = (...parts: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
  const delta = (text: string) => `data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\r\n\r\n`;

  it('joins frames cut anywhere, skips empty deltas and stops at [DONE]', async () => {
    const whole = `${delta('Hel')}${delta('')}${delta('lo')}data: [DONE]\n\n${delta('after')}`;
    const got: string[] = [];
    await readChatStream(stream(whole.slice(0, 7), whole.slice(7, 40), whole.slice(40)), (text) => got.push(text));
    expect(got).toEqual(['Hel', 'lo']);
  });

  it("throws the stream's error event as a GatewayError", async () => {
    const error = `data: ${JSON.stringify({ error: { message: 'upstream broke', code: 'upstream_stream_error' } })}\n\n`;
    const got: string[] = [];
    const thrown = await readChatStream(stream(delta('Par'), error), (text) => got.push(text)).catch((e: unknown) => e);
    expect(got).toEqual(['Par']);
    expect(thrown).toMatchObject({ name: 'GatewayError', message: 'upstream broke', code: 'upstream_stream_error' });
  });
});
