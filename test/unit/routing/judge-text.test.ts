// The judge's text checks: refusals (with false-positive guards) and repetition loops.
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/routing/judge/verdict.js';
import { tailLoop } from '../../../src/routing/judge/repetition.js';
import type { AssistantMessage, ChatCompletion, FinishReason } from '../../../src/providers/types.js';

function completion(message: Partial<AssistantMessage>, finish: FinishReason): ChatCompletion {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, ...message },
        finish_reason: finish,
        logprobs: null,
      },
    ],
  };
}
const verdict = (content: string | null, extra: Partial<AssistantMessage> = {}, finish: FinishReason = 'stop') =>
  judge({
    completion: completion({ content, ...extra }, finish),
    json: false,
    clientLimitedTokens: false,
    task: 'chat',
    question: 'Can you help me?',
  });

const LONG_HELP =
  'Here is what you can do instead: open the settings page, choose the account tab, and export your data as a CSV ' +
  'file. Then import that file into the new tool, check that every column landed where you expect, and remove the ' +
  'old integration once the numbers match. If anything looks off, compare the row counts first, because a missing ' +
  'header row is the most common cause of a mismatch, and it is quick to fix by hand in any spreadsheet program.';

describe('judge: refusals', () => {
  it('scores the refusal field and a content filter stop 0.3', () => {
    expect(verdict(null, { refusal: "I can't help with that." })).toEqual({ score: 0.3, reasons: ['refusal'] });
    expect(verdict('The first part of the story', {}, 'content_filter')).toEqual({
      score: 0.3,
      reasons: ['stopped by the content filter'],
    });
  });

  it.each([
    "I'm sorry, but I can't help with that.",
    'I cannot help with creating malware.',
    'As an AI language model, I cannot provide personal opinions on political candidates.',
    'Sorry, I can’t assist with that request.',
    "Unfortunately, I'm unable to comply with this request.",
    "**I apologize, but I won't be able to help with this.**",
    'I must decline this request.',
    "I'm not able to provide instructions for that. It could cause real harm to people.",
  ])('scores a declining opening 0.3: %s', (content) => {
    expect(verdict(content)).toEqual({ score: 0.3, reasons: ['refusal'] });
  });

  it.each([
    'I can’t stress enough how important backups are: keep three copies, on two media, one off-site.',
    "Here is how to do it. Note that I can't guarantee it works on Windows, where paths differ.",
    'I cannot help but notice that your loop never updates i; add i += 1 at the end of its body.',
    "I'm sorry to hear about your loss. Losing a pet is hard; give yourself time and talk to friends.",
    "Sorry, I can't reproduce the bug with the code you gave, but try logging the value before the call.",
    'You cannot help with the move if you are sick, so rest first and let the others carry the boxes.',
    'I can help with that! First, preheat the oven to 180 °C.',
  ])('accepts an answer that only sounds like one: %s', (content) => {
    expect(verdict(content).score).toBe(1);
  });

  it('scores a declining first sentence followed by a real answer 0.8, a partial refusal', () => {
    expect(verdict(`I can't provide advice on your specific contract. ${LONG_HELP}`)).toEqual({
      score: 0.8,
      reasons: ['partial refusal'],
    });
    expect(
      verdict("I can't write the whole app, but here is its core:\n```js\nexport const app = {};\n```").reasons,
    ).toEqual(['partial refusal']);
    expect(verdict("I can't provide advice on your specific contract. Please ask a lawyer.").reasons).toEqual([
      'refusal',
    ]);
  });
});

describe('judge: repetition loops', () => {
  it('catches a realistic degenerate answer that loops until the token limit', () => {
    const degenerate =
      'To center a div, you can use flexbox on its parent:\n\n.parent { display: flex; justify-content: center; align-items: center; }\n\n' +
      'This works in all modern browsers. '.concat(
        'I hope this helps! Let me know if you have any other questions. '.repeat(24),
      ) +
      'I hope this helps! Let me kn';
    const v = verdict(degenerate, {}, 'length');
    expect(v.score).toBe(0.2);
    expect(v.reasons).toContain('cut off by length');
    expect(v.reasons.find((r) => r.startsWith('repetition loop'))).toMatch(
      /hope this helps.* repeated 2\d times at the end/,
    );
  });

  it('catches a short period repeated at the end, and a line repeated over and over', () => {
    expect(verdict(`The answer is ${'no '.repeat(100)}`).score).toBe(0.2);
    expect(verdict(`Results:\n${'| 0 | 0 | 0 | 0 | 0 | 0 |\n'.repeat(12)}`).score).toBe(0.2);
  });

  it('catches one sentence making up much of the answer, even with other text between the repeats', () => {
    const parts = Array.from(
      { length: 6 },
      (_, i) => `Step ${i + 1} is done. Remember to always save your work before moving on.`,
    );
    const v = verdict(`${parts.join('\n')}\nThat is the whole procedure, from start to end, in six steps.`);
    expect(v).toEqual({
      score: 0.2,
      reasons: ['repetition loop: "Remember to always save your work before…" repeated 6 times'],
    });
  });

  it('catches a word loop in the middle of an answer, by its share of distinct word 4-grams', () => {
    const middle = 'and then the model said that '.repeat(30);
    const content = `The story starts in a small village by the sea, ${middle}everyone went home. In the end the fishermen sold their boats, bought a farm inland, and never talked about the storm again, not even to their grandchildren.`;
    expect(verdict(content).reasons).toEqual([
      expect.stringMatching(/^repetition loop: only \d+% of word 4-grams distinct$/),
    ]);
  });

  it('accepts repetition that is normal: code lines, list items, a short refrain', () => {
    const tests = `Tests:\n\`\`\`python\n${'    self.assertEqual(parse("1 + 1"), 2)\n'.repeat(8)}\`\`\`\nEach line checks the same case on purpose.`;
    expect(verdict(tests).score).toBe(1);
    const list = [
      'Buy milk from the corner shop',
      'Buy bread from the bakery',
      'Buy eggs from the market',
      'Buy rice from the store',
    ]
      .map((item) => `- ${item}`)
      .join('\n');
    expect(verdict(`Your shopping list:\n${list}\nThat should cover breakfast for the week.`).score).toBe(1);
    const song =
      'Row, row, row your boat,\nGently down the stream.\nMerrily, merrily, merrily, merrily,\nLife is but a dream.\n';
    expect(verdict(`${song}\n${song}\nThat is the whole song; sing it as a round.`).score).toBe(1);
  });

  it('finds the period of a looping tail, even cut mid-period, and nothing in ordinary text', () => {
    expect(tailLoop(`Intro. ${'abc, '.repeat(80)}ab`)).toEqual({ unit: 'abc, ', repeats: 80 });
    expect(
      tailLoop('A plain sentence that does not repeat itself at all, however long it goes on for. '.repeat(2)),
    ).toBeUndefined();
    expect(tailLoop('x'.repeat(150))).toBeUndefined();
  });

  it('stays linear on adversarial input: a near-loop of a million characters', () => {
    const text = `${'ab'.repeat(500_000)}c`;
    expect(tailLoop(text)).toBeUndefined();
    expect(verdict(text).score).toBe(1);
  });
});
