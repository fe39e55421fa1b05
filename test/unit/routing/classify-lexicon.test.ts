// The classifier's parts: the lexicon (words, phrases, prefixes, patterns and the symbols they need, once-per-text
// counting), the split of a message into ask and material, and text statistics.
import { describe, expect, it } from 'vitest';
import { textStats } from '../../../src/routing/classifier/complexity.js';
import { DOMAIN_RULES } from '../../../src/routing/classifier/domain-rules.js';
import { compileLexicon, pattern, words } from '../../../src/routing/classifier/lexicon.js';
import { splitAsk } from '../../../src/routing/classifier/messages.js';
import { TASK_RULES } from '../../../src/routing/classifier/task-rules.js';
import { loadBank } from '../../fixtures/routing/bank-set.js';
import { loadLabelledPrompts } from '../../fixtures/routing/labelled.js';

const lexicon = compileLexicon([
  [words(2, 'step by step|role-play'), words(1, 'summar*')],
  [words(3, "what's"), words(-1, 'not this'), pattern(4, /```/g)],
]);

function score(text: string, weight = 1): number[] {
  const scores = new Float64Array(lexicon.classCount);
  lexicon.score(text.toLowerCase(), weight, scores);
  return [...scores];
}

describe('compileLexicon', () => {
  it('matches whole words and phrases, whatever separates their words', () => {
    expect(score('Think step-by-step')).toEqual([2, 0]);
    expect(score('think step by step')).toEqual([2, 0]);
    expect(score("Let's roleplay")).toEqual([0, 0]);
    expect(score('a role play, please')).toEqual([2, 0]);
    expect(score('footstep by steps')).toEqual([0, 0]);
  });

  it('matches prefixes marked with *, and apostrophes as separators', () => {
    expect(score('Summarise it')[0]).toBe(1);
    expect(score('a summary')[0]).toBe(1);
    expect(score('summ')[0]).toBe(0);
    expect(score("What's up")[1]).toBe(3);
    expect(score('what s up')[1]).toBe(3);
  });

  it('counts a feature once per call, scales by the weight given, and applies negative weights', () => {
    expect(score('step by step, step by step, summary, summaries')).toEqual([3, 0]);
    expect(score('step by step', 0.5)).toEqual([1, 0]);
    expect(score('not this one')).toEqual([0, -1]);
  });

  it('tests patterns on every call, even when given a global regex', () => {
    expect(score('```js\nx\n```')[1]).toBe(4);
    expect(score('```js\nx\n```')[1]).toBe(4);
  });

  it('weighs classes by the class weights given', () => {
    const scores = new Float64Array(2);
    lexicon.score('step by step ```', 1, scores, Float64Array.from([0.5, 1]));
    expect([...scores]).toEqual([1, 4]);
  });

  it('matches words of any script, and a phrase that starts again inside an unfinished one', () => {
    const other = compileLexicon([[words(1, 'δοκιμή'), words(2, '翻译')], [words(4, 'to be or not')]]);
    const scores = (text: string): number[] => {
      const out = new Float64Array(2);
      other.score(text, 1, out);
      return [...out];
    };
    expect(scores('μια δοκιμή, 翻译')).toEqual([3, 0]);
    expect(scores('δοκιμ 翻')).toEqual([0, 0]);
    expect(scores('to be to be or not to be')).toEqual([0, 4]);
    expect(scores('to be or')).toEqual([0, 0]);
  });
});

describe('the symbols a pattern needs', () => {
  it('tests a pattern only on texts that hold one of them', () => {
    // A wrong `needs` on purpose (a match of /abc/ holds no `%`): the test is skipped, the match missed.
    const lexicon = compileLexicon([[pattern(1, /abc/, '%')], [pattern(1, /\d+ €/, '€0')], [pattern(1, /x/)]]);
    const scored = (text: string): number[] => {
      const scores = new Float64Array(lexicon.classCount);
      lexicon.score(text, 1, scores);
      return [...scores];
    };
    expect(scored('abc x')).toEqual([0, 0, 1]);
    expect(scored('abc, 100%')).toEqual([1, 0, 0]);
    expect(scored('5 €')).toEqual([0, 1, 0]);
    expect(scored('中文 5 €')).toEqual([0, 1, 0]);
    expect(scored('中文 €')).toEqual([0, 0, 0]);
  });

  it('are in every match of the rules that declare them, on every prompt of the bank and the labelled set', () => {
    const texts = [...loadBank(), ...loadLabelledPrompts()].flatMap((p) => [p.text, p.system ?? '']);
    const declared = [...Object.values(TASK_RULES), ...Object.values(DOMAIN_RULES)]
      .flat()
      .filter((f) => f.pattern !== undefined && f.needs !== undefined);
    expect(declared.length).toBeGreaterThan(10);
    let matches = 0;
    for (const { pattern: re, needs } of declared) {
      const symbols = [...needs!];
      for (const text of texts) {
        const lower = text.toLowerCase().slice(0, 1000);
        if (!new RegExp(re!.source, re!.flags.replace(/[gy]/g, '')).test(lower)) continue;
        matches++;
        if (!symbols.some((symbol) => lower.includes(symbol))) expect.fail(`${re} matched "${lower}" without ${needs}`);
      }
    }
    expect(matches).toBeGreaterThan(1000);
  });
});

describe('the rules written from their literal with a lookbehind', () => {
  it('match "in three sentences" and "a two-sentence summary" as the forward form did, and not near misses', () => {
    const rule = TASK_RULES.summarization.find((f) => f.pattern?.source.startsWith('(?:sentences|'))!.pattern!;
    const before =
      /\bin (?:one|two|three|four|five|\d+) (?:sentences|lines|bullets|bullet points|words)\b|\b(?:one|two|three|\d+)[- ]sentence\b/;
    const texts = [
      ['summarize it in three sentences.', true],
      ['in 5 bullet points, please', true],
      ['a two-sentence summary', true],
      ['in 12 words', true],
      ['the 3 sentence rule', true],
      ['begin three sentences', false],
      ['in three sentencesx', false],
      ['in six sentences', false],
      ['a tone-sentence', false],
      ['in five bullet', false],
      ['in one points', false],
    ] as const;
    for (const [text, expected] of texts) {
      expect(before.test(text), text).toBe(expected);
      expect(rule.test(text), text).toBe(expected);
    }
  });
});

describe('splitAsk', () => {
  it('keeps a short message whole', () => {
    expect(splitAsk('what is the capital of peru?', 250, 150)).toEqual(['what is the capital of peru?', '']);
  });

  it('takes a first line ending in a colon, or followed by a blank line, as the ask', () => {
    expect(splitAsk('summarize this:\nann: hi\nbo: thanks, see you', 250, 150)).toEqual([
      'summarize this:',
      'ann: hi\nbo: thanks, see you',
    ]);
    expect(splitAsk('can you shorten this?\n\nlong text here', 250, 150)).toEqual([
      'can you shorten this?',
      '\nlong text here',
    ]);
  });

  it('splits at a quote opened after a colon or a question mark', () => {
    expect(splitAsk('translate into french: "the cat sleeps"', 250, 150)).toEqual([
      'translate into french:',
      ' "the cat sleeps"',
    ]);
    expect(splitAsk("what does 'carpe diem' mean?", 250, 150)).toEqual(["what does 'carpe diem' mean?", '']);
  });

  it('takes the start and end of one long line as the ask and the middle as material', () => {
    const text = `${'a'.repeat(300)}${'b'.repeat(300)}${'c'.repeat(200)}`;
    const [ask, material] = splitAsk(text, 250, 150);
    expect(ask).toBe(`${'a'.repeat(250)}\n${'c'.repeat(150)}`);
    expect(material).toBe(`${'a'.repeat(50)}${'b'.repeat(300)}${'c'.repeat(50)}`);
  });
});

describe('textStats', () => {
  it('counts questions, list items, numbers, lines and camelCase words', () => {
    expect(
      textStats('Why? And how?\n- one\n* two\n3. three\nb) four\nnot-a-list 12 and 3.5 in useEffect, getById'),
    ).toEqual({
      questions: 2,
      listItems: 4,
      numbers: 3,
      lines: 6,
      longestLine: 'not-a-list 12 and 3.5 in useEffect, getById'.length,
      camelCase: 3,
    });
  });
});
