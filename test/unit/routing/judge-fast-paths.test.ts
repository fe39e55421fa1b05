// The judge's fast paths (issue 20: the refusal pre-check, the short-prose exit and the reused n-gram table of the
// repetition check, the language check's cheapest exit first, countScripts' ASCII path) must give the same verdicts,
// scores and reasons, as the judge before them (judge-before/), on every answer: written ones and mutated ones.
import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/config/schema.js';
import type { ChatCompletion, FinishReason } from '../../../src/providers/types.js';
import { countScripts } from '../../../src/routing/judge/script.js';
import type { JudgeInput } from '../../../src/routing/judge/types.js';
import { judge } from '../../../src/routing/judge/verdict.js';
import { countScripts as countScriptsBefore } from './judge-before/script.js';
import { judge as judgeBefore } from './judge-before/verdict.js';
import { seededRandom } from '../../../src/routing/seeded-random.js';

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const WORDS =
  'the a of and to in is that it for on with as was by this be are from or at an which but not have one all can more when will would who so if out up what about into than them some could time only other new these two may first then do any like now over such even most made after also did many before must through back where much your way well down should because each just those people how little state good very make world still own see work long get here between both life being under never day same another know while last might great old year off come since against right take'.split(
    ' ',
  );

/** Sentences of common words: English-like prose that does not repeat itself. */
function prose(rand: Rand, chars: number): string {
  let out = '';
  while (out.length < chars) {
    const words = Array.from({ length: 4 + Math.floor(rand() * 14) }, () => pick(rand, WORDS));
    words[0] = words[0]![0]!.toUpperCase() + words[0]!.slice(1);
    out += `${words.join(' ')}${pick(rand, ['. ', '. ', '! ', '? ', '.\n', '.\n\n', ', '])}`;
  }
  return out.slice(0, chars);
}

const REFUSALS = [
  "I'm sorry, but I can't help with that.",
  'I cannot assist with this request.',
  "**I'm afraid I can't do that.**",
  '> Unfortunately, I am unable to provide that.',
  '"Sorry, I won\u2019t answer that."',
  'As an AI language model, I cannot generate that content.',
  'We cannot comply with this.',
  'I must decline.',
  "I'll have to pass on this one.",
  'Regrettably, I am not able to help with that.',
  'I can\u02bct help but notice the weather.',
  "I can't stress this enough: drink water.",
  'İ cannot help with that.',
  '¡No puedo ayudar con eso!',
  'Sure! Here is the answer.',
  'As requested, here it is.',
  'Understood. Here is the plan.',
  'Well, it depends.',
  'Absolutely, I can help.',
];
const FOREIGN = [
  'Le chat est sur la table et il regarde les oiseaux qui chantent dans le jardin pendant que nous mangeons.',
  'Der Hund läuft schnell über die Straße, weil er die Katze auf der anderen Seite gesehen hat und spielen will.',
  'El perro corre rápidamente por la calle porque ha visto al gato al otro lado y quiere jugar con él.',
  'Собака быстро бежит через улицу, потому что увидела кошку на другой стороне и хочет с ней поиграть.',
  '狗飞快地跑过马路，因为它看到了另一边的猫，想和它一起玩。我们在花园里吃饭的时候，鸟儿在唱歌。',
  '犬は道の向こう側に猫を見つけたので、一緒に遊びたくて急いで道を渡りました。ひらがなとカタカナ。',
  'الكلب يركض بسرعة عبر الشارع لأنه رأى القطة على الجانب الآخر ويريد أن يلعب معها في الحديقة.',
  'कुत्ता तेजी से सड़क पार करता है क्योंकि उसने दूसरी तरफ बिल्ली को देखा है और वह उसके साथ खेलना चाहता है।',
  '개가 길 건너편에 있는 고양이를 보고 함께 놀고 싶어서 빠르게 길을 건넜습니다. 우리는 정원에서 밥을 먹었습니다.',
  'Ο σκύλος τρέχει γρήγορα στον δρόμο επειδή είδε τη γάτα στην άλλη πλευρά και θέλει να παίξει μαζί της.',
];
const QUESTIONS = [
  'Say hello.',
  'hi',
  '',
  'Tell me a story about a fox and a dog, with some detail about what they do all day long.',
  'Write a function that sorts an array of numbers in JavaScript, please, and explain how it works.',
  'What does this regex do? /^a+$/ I would like a short explanation of it in plain words.',
  'Please reply in French: what is the weather usually like in Paris during the spring months?',
  'Summarize this:\nDer Hund läuft schnell über die Straße, weil er die Katze gesehen hat und spielen will.',
  ...FOREIGN.map((text) => `${text} ${text}`),
];

/** Answers of every kind the checks tell apart. */
function answer(rand: Rand): string {
  const kind = Math.floor(rand() * 12);
  switch (kind) {
    case 0:
      return pick(rand, ['', ' ', '\n\t', 'Hello from the bench upstream.', 'Paris.', 'OK']);
    case 1:
      return `${pick(rand, REFUSALS)}${rand() < 0.5 ? '' : ` ${prose(rand, Math.floor(rand() * 600))}`}`;
    case 2: {
      // A looping tail: a short period repeated, cut anywhere, after some prose.
      const unit = pick(rand, ['no ', 'the same line\n', 'ha', 'I will try again. ', 'é😀 ']);
      return (
        prose(rand, Math.floor(rand() * 300)) +
        unit.repeat(Math.floor(rand() * 120)).slice(0, -1 - Math.floor(rand() * 3))
      );
    }
    case 3: {
      // Repeated sentences or lines around the thresholds (100 and 165 characters, a quarter of the prose).
      const sentence = pick(rand, [
        'This sentence is twenty-five chars. ',
        'Short one. ',
        'A line that keeps on coming back\n',
      ]);
      return (
        prose(rand, Math.floor(rand() * 200)) +
        sentence.repeat(1 + Math.floor(rand() * 8)) +
        prose(rand, Math.floor(rand() * 200))
      );
    }
    case 4:
      return prose(rand, 80 + Math.floor(rand() * 120));
    case 5:
      return prose(rand, Math.floor(rand() * 3000));
    case 6:
      return `Here it is:\n\`\`\`js\nconst x = [3, 1, 2].sort((a, b) => a - b);\nconsole.log(x);\n\`\`\`\n${prose(rand, Math.floor(rand() * 400))}`;
    case 7:
      return `${pick(rand, FOREIGN)} ${rand() < 0.5 ? pick(rand, FOREIGN) : prose(rand, 100)}`;
    case 8:
      return `See https://example.com/${prose(rand, 20).replace(/\W/g, '')} and \`inline()\` code. ${prose(rand, 300)}`;
    case 9:
      // A few words over and over, in different orders: few distinct n-grams.
      return Array.from({ length: 100 + Math.floor(rand() * 200) }, () =>
        pick(rand, ['red', 'green', 'blue', 'fish']),
      ).join(' ');
    case 10:
      return ' '.repeat(Math.floor(rand() * 300)) + pick(rand, REFUSALS);
    default:
      return `${pick(rand, ['\ud83d', '\udc00', '😀', '\u00a0', '\ufeff', '‘', '*_#> '])}${pick(rand, REFUSALS)} ${prose(rand, 50)}`;
  }
}

/** A few characters changed, dropped, doubled or swapped in case: answers no one wrote, on both sides of each check. */
function mutate(rand: Rand, text: string): string {
  let out = text;
  for (let n = Math.floor(rand() * 4); n >= 0; n--) {
    const at = Math.floor(rand() * (out.length + 1));
    const roll = rand();
    if (roll < 0.3)
      out =
        out.slice(0, at) +
        pick(rand, ['.', '\n', ' ', 'I', 'i', '*', '`', '```', '😀', '\ud800', 'é', '中', 'ア', '"']) +
        out.slice(at);
    else if (roll < 0.5) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 20));
    else if (roll < 0.7)
      out = out.slice(0, at) + out.slice(at, at + 40).repeat(2 + Math.floor(rand() * 6)) + out.slice(at + 40);
    else if (roll < 0.85) out = out.toUpperCase();
    else out = out.slice(at) + out.slice(0, at);
  }
  return out;
}

function completion(content: string | null, finish: FinishReason, refusal: string | null): ChatCompletion {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal }, finish_reason: finish, logprobs: null }],
  };
}

function input(rand: Rand, content: string): JudgeInput {
  return {
    completion: completion(
      rand() < 0.03 ? null : content,
      pick(rand, ['stop', 'stop', 'stop', 'length', 'content_filter'] as FinishReason[]),
      rand() < 0.03 ? 'no' : null,
    ),
    json: rand() < 0.05,
    clientLimitedTokens: rand() < 0.5,
    task: pick(rand, ['chat', 'chat', 'code', 'translation', 'reasoning'] as Task[]),
    question: rand() < 0.7 ? pick(rand, QUESTIONS) : mutate(rand, pick(rand, QUESTIONS)),
  };
}

describe('the judge with its fast paths', () => {
  it('gives the verdicts of the judge before them, on written and mutated answers', () => {
    const rand = seededRandom(42);
    const reasons = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const text = answer(rand);
      for (const content of [text, mutate(rand, text), mutate(rand, text)]) {
        const judged = input(rand, content);
        const expected = judgeBefore(judged);
        expect(judge(judged), JSON.stringify(judged)).toEqual(expected);
        for (const reason of expected.reasons) reasons.add(reason.replace(/[:(].*/, ''));
      }
    }
    // Every check fails somewhere in the corpus, so each fast path is compared on both sides.
    expect([...reasons].sort()).toEqual(
      expect.arrayContaining([
        'answer in another language than the question ',
        'code task answered without code',
        'cut off by length',
        'empty answer',
        'invalid JSON in JSON mode',
        'partial refusal',
        'refusal',
        'repetition loop',
        'stopped by the content filter',
      ]),
    );
  });

  it('counts scripts as before, in the same order of first appearance', () => {
    const rand = seededRandom(3);
    for (let i = 0; i < 3000; i++) {
      const text = mutate(
        rand,
        `${rand() < 0.5 ? pick(rand, FOREIGN) : ''}${answer(rand).slice(0, 400)}${pick(rand, ['', 'é', '😀', '\ud83d', '中'])}`,
      );
      const counts = countScripts(text);
      const before = countScriptsBefore(text);
      expect(counts).toEqual(before);
      expect(Object.keys(counts.by)).toEqual(Object.keys(before.by));
    }
  });
});
