// The rule classifier: task and domain per prompt, system prompts, needs, complexity, query, token counts, and
// swapping its rules.
import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/providers/types.js';
import { createRuleClassifier } from '../../../src/routing/classifier/rule-classifier.js';
import { LONG_CONTEXT_TOKENS, type ClassifyInput } from '../../../src/routing/classifier/types.js';
import { words } from '../../../src/routing/classifier/lexicon.js';
import { TASK_RULES } from '../../../src/routing/classifier/task-rules.js';

const user = (content: string): ClassifyInput => ({ messages: [{ role: 'user', content }] });
// These are the rule classifier's own tests (the fallback, and the learned classifier's features); the learned
// classifier's are in learned-classifier.test.ts.
const { classify } = createRuleClassifier();

describe('classify: task', () => {
  it.each([
    ['code', 'Write a Python function that removes duplicates from a list while keeping the order.'],
    ['code', 'Why does my useEffect run twice in React strict mode?'],
    ['math', 'Solve for x: 5x - 3 = 2x + 9.'],
    ['math', 'A shop sells pens at $2 each. Ana buys 7 pens and pays with a $20 note. How much change does she get?'],
    [
      'reasoning',
      'All roses are flowers and some flowers fade quickly. Does it follow that some roses fade quickly? Explain.',
    ],
    ['reasoning', 'Weigh the pros and cons of a four-day work week for a small company and recommend one option.'],
    ['creative_writing', 'Write a poem about a city waking up.'],
    ['creative_writing', "Draft a short speech for my grandmother's 90th birthday."],
    ['roleplay', 'Act as a medieval innkeeper and greet me as I walk in from the rain.'],
    ['roleplay', 'Pretend you are my coach before the final match. Stay in character.'],
    ['extraction', 'Extract the names and email addresses from this text: "Ann (ann@x.org) and Bo (bo@y.com)".'],
    ['extraction', 'Classify the sentiment of this review: "Terrible battery, great screen."'],
    [
      'summarization',
      'Summarize the following in two sentences:\n\nThe council approved the budget after a long debate. Parks get more money; roads get less. A vote on taxes was postponed.',
    ],
    ['summarization', 'TL;DR: the release slipped a week because the payment provider changed its API.'],
    ['translation', 'Translate "good luck with your exam" into German.'],
    ['translation', '¿Cómo se dice "library" en español?'],
    ['knowledge', 'Who wrote Pride and Prejudice?'],
    ['knowledge', 'What is the difference between weather and climate?'],
    ['chat', 'hi! how are you today?'],
    ['chat', 'thanks, that helps a lot'],
  ])('%s: %s', (task, prompt) => {
    expect(classify(user(prompt)).task).toBe(task);
  });

  it('weighs the last user message over the system prompt, and reads the system prompt when the message is vague', () => {
    const coding: ChatMessage = {
      role: 'system',
      content: 'You are a helpful coding assistant for TypeScript developers.',
    };
    expect(classify({ messages: [coding, { role: 'user', content: 'any idea why it hangs?' }] }).task).toBe('code');
    expect(classify(user('any idea why it hangs?')).task).not.toBe('code');
    expect(classify({ messages: [coding, { role: 'user', content: 'Write a haiku about autumn leaves.' }] }).task).toBe(
      'creative_writing',
    );
    const persona: ChatMessage = { role: 'system', content: 'You are Captain Nemo. Stay in character at all times.' };
    expect(classify({ messages: [persona, { role: 'user', content: 'Where are we heading today?' }] }).task).toBe(
      'roleplay',
    );
  });

  it('lets a pasted passage inform the domain but not outvote the instruction', () => {
    const passage =
      'Summarize this:\n\nThe patient was admitted with pneumonia, treated with IV antibiotics, and discharged on day four. '.repeat(
        3,
      );
    const c = classify(user(passage));
    expect(c.task).toBe('summarization');
    expect(c.domain).toBe('medical');
  });
});

describe('classify: domain', () => {
  it.each([
    ['medical', 'What are the side effects of metformin for a patient with type 2 diabetes?'],
    ['legal', 'Can my landlord keep my security deposit if the lease does not mention cleaning fees?'],
    ['finance', 'Should I pay off my mortgage early or invest in an index fund?'],
    ['science', 'Why do electrons in an atom occupy discrete energy levels?'],
    ['general', 'Write a haiku about my cat sleeping in the sun.'],
    ['general', 'A train travels 60 km in 45 minutes. What is its speed in km/h?'],
  ])('%s: %s', (domain, prompt) => {
    expect(classify(user(prompt)).domain).toBe(domain);
  });
});

describe('classify: needs', () => {
  const tool = { type: 'function' as const, function: { name: 'lookup' } };

  it('needs tools when tools are offered or the conversation already has tool calls or results', () => {
    expect(classify({ ...user('weather in Oslo?'), tools: [tool] }).needs.tools).toBe(true);
    const calls: ChatMessage[] = [
      { role: 'user', content: 'weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '12C' },
    ];
    expect(classify({ messages: calls }).needs.tools).toBe(true);
    expect(classify({ messages: calls.slice(2) }).needs.tools).toBe(true);
    expect(classify(user('weather in Oslo?')).needs.tools).toBe(false);
  });

  it('needs vision for image parts only', () => {
    const image: ChatMessage = {
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image_url', image_url: { url: 'https://x/y.png' } },
      ],
    };
    expect(classify({ messages: [image] }).needs.vision).toBe(true);
    expect(
      classify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }] }] }).needs.vision,
    ).toBe(false);
  });

  it('needs JSON for json_object and json_schema response formats, not for text', () => {
    expect(classify({ ...user('x'), response_format: { type: 'json_object' } }).needs.json).toBe(true);
    expect(
      classify({ ...user('x'), response_format: { type: 'json_schema', json_schema: { name: 's', schema: {} } } }).needs
        .json,
    ).toBe(true);
    expect(classify({ ...user('x'), response_format: { type: 'text' } }).needs.json).toBe(false);
    expect(classify(user('return JSON please')).needs.json).toBe(false);
  });

  it('needs a long context past LONG_CONTEXT_TOKENS estimated tokens, or past a configured limit', () => {
    const long = 'lorem ipsum '.repeat(Math.ceil((LONG_CONTEXT_TOKENS * 4) / 12) + 10);
    expect(classify(user(long)).needs.longContext).toBe(true);
    expect(classify(user('short')).needs.longContext).toBe(false);
    expect(createRuleClassifier({ longContextTokens: 10 }).classify(user('a '.repeat(40))).needs.longContext).toBe(
      true,
    );
  });
});

describe('classify: complexity, query and size', () => {
  it('rates a multi-step, multi-question request above a one-liner, within 0..1', () => {
    const simple = classify(user('What is the capital of Peru?')).complexity;
    const hard = classify(
      user(
        'First, design a database schema for a library with members, books and loans. Then write the SQL to find overdue loans. ' +
          'Also explain how you would index it, and compare two approaches. Must it handle millions of rows? What about concurrency?\n' +
          '- include edge cases\n- justify each choice',
      ),
    ).complexity;
    expect(simple).toBeGreaterThanOrEqual(0);
    expect(hard).toBeLessThanOrEqual(1);
    expect(hard).toBeGreaterThan(simple + 0.2);
    expect(classify(user('hi')).complexity).toBeLessThan(simple);
  });

  it('takes the query from the last user message, whatever follows it', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'an answer' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'second' },
          { type: 'text', text: 'question' },
        ],
      },
      { role: 'assistant', content: 'partial' },
    ];
    expect(classify({ messages }).query).toBe('second\nquestion');
    expect(classify({ messages: [{ role: 'system', content: 'Be brief.' }] }).query).toBe('');
  });

  it('estimates tokens from characters and counts them exactly with the tokenizer on demand', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello world, how are you?' },
    ];
    const c = classify({ messages });
    const text = 'You are terse.\nHello world, how are you?';
    expect(c.promptChars).toBe(text.length);
    expect(c.estimatedTokens).toBe(Math.ceil(text.length / 4));
    expect(c.promptTokens()).toBe(countTokens(text));
    expect(c.promptTokens()).toBe(c.promptTokens());
    expect(classify(user('Hello world')).promptTokens()).toBe(2);
  });
});

describe('createRuleClassifier', () => {
  it('scores the rules it is given, so the default rules can be replaced', () => {
    const custom = createRuleClassifier({
      taskRules: { ...TASK_RULES, math: [...TASK_RULES.math, words(10, 'zorblax')] },
    });
    expect(custom.classify(user('zorblax the thing')).task).toBe('math');
    expect(classify(user('zorblax the thing')).task).not.toBe('math');
  });
});
