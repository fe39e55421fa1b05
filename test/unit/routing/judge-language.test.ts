// The judge's language check: real sentences in several languages and scripts, and what it must leave alone.
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/routing/judge/verdict.js';
import type { Task } from '../../../src/config/schema.js';
import type { ChatCompletion } from '../../../src/providers/types.js';

function completion(content: string): ChatCompletion {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
  };
}
const verdict = (question: string, answer: string, task: Task = 'knowledge', json = false) =>
  judge({ completion: completion(answer), json, clientLimitedTokens: false, task, question });

const Q = {
  en: 'How does photosynthesis work in green plants, and why is it important?',
  fr: 'Comment fonctionne la photosynthèse chez les plantes vertes, et pourquoi est-elle importante ?',
  es: '¿Cómo funciona la fotosíntesis en las plantas verdes y por qué es importante?',
  de: 'Wie funktioniert die Photosynthese bei grünen Pflanzen und warum ist sie wichtig?',
  ru: 'Как работает фотосинтез у зелёных растений и почему он так важен?',
  zh: '绿色植物的光合作用是如何进行的？为什么它很重要？请详细解释一下。',
  ja: '緑色植物の光合成はどのように行われますか？なぜそれが重要なのか教えてください。',
};
const A = {
  en: 'Photosynthesis is the process by which green plants use sunlight, water and carbon dioxide to make glucose and oxygen. It happens in the chloroplasts, where chlorophyll absorbs the light.',
  fr: "La photosynthèse est le processus par lequel les plantes vertes utilisent la lumière du soleil, l'eau et le dioxyde de carbone pour produire du glucose et de l'oxygène.",
  es: 'La fotosíntesis es el proceso mediante el cual las plantas verdes usan la luz del sol, el agua y el dióxido de carbono para producir glucosa y oxígeno.',
  de: 'Die Photosynthese ist der Prozess, bei dem grüne Pflanzen Sonnenlicht, Wasser und Kohlendioxid nutzen, um Glukose und Sauerstoff herzustellen. Sie findet in den Chloroplasten statt.',
  ru: 'Фотосинтез — это процесс, при котором зелёные растения используют солнечный свет, воду и углекислый газ для получения глюкозы и кислорода.',
  zh: '光合作用是绿色植物利用阳光、水和二氧化碳制造葡萄糖和氧气的过程。它发生在叶绿体中，叶绿素吸收光能。',
  ja: '光合成とは、緑色植物が太陽の光、水、二酸化炭素を使ってブドウ糖と酸素を作り出す過程のことです。葉緑体の中で行われます。',
};
const LANGS = Object.keys(Q) as Array<keyof typeof Q>;

describe('judge: answer in another language than the question', () => {
  it.each(LANGS)('accepts an answer in the language of the question (%s)', (lang) => {
    expect(verdict(Q[lang], A[lang])).toEqual({ score: 1, reasons: [] });
  });

  it.each([
    ['fr', 'en', 'fra question, eng answer'],
    ['en', 'es', 'eng question, spa answer'],
    ['de', 'en', 'deu question, eng answer'],
    ['es', 'de', 'spa question, deu answer'],
    ['ru', 'en', 'cyrillic question, latin answer'],
    ['en', 'zh', 'latin question, cjk answer'],
    ['zh', 'en', 'cjk question, latin answer'],
    ['ja', 'zh', 'jpn question, cmn answer'],
  ] as const)('scores a %s question answered in %s 0.3', (q, a, detail) => {
    expect(verdict(Q[q], A[a])).toEqual({
      score: 0.3,
      reasons: [`answer in another language than the question (${detail})`],
    });
  });

  it('exempts translation tasks and questions that name a language', () => {
    expect(verdict(Q.en, A.fr, 'translation').score).toBe(1);
    expect(verdict(`Please answer in Spanish. ${Q.en}`, A.es).score).toBe(1);
    expect(verdict(`Résume ce texte anglais : ${A.en}`, A.fr, 'summarization').score).toBe(1);
  });

  it('skips texts too short to tell, and JSON answers', () => {
    expect(verdict('Merci beaucoup !', A.en).score).toBe(1);
    expect(verdict(Q.fr, 'Sure, here you go.').score).toBe(1);
    expect(verdict(Q.fr, JSON.stringify({ answer: A.en }), 'extraction', true).score).toBe(1);
  });

  it('ignores code blocks, inline code and URLs when telling the language', () => {
    const code =
      '```python\n# Compute the light reactions and return the energy carriers that the cycle uses\ndef light_reactions(water, photons):\n    return split(water, photons)\n```';
    const answer = `Voici un exemple :\n${code}\nVoir https://example.com/the-light-reactions-explained-for-everyone et \`light_reactions()\`.`;
    expect(
      verdict(
        'Comment simuler la photosynthèse en Python, étape par étape, avec des fonctions simples ?',
        answer,
        'code',
      ).score,
    ).toBe(1);
  });

  it('takes terse English prompts and English instructions before pasted foreign text as English', () => {
    const limerick =
      'There once was a cat we call Bob,\nWho ate his lasagna like a slob;\nHe would lick every plate,\nThen lie down and wait,\nFor his next big cheesy corn on the cob.';
    expect(
      verdict('Compose a limerick about a cat named Bob who loves lasagna', limerick, 'creative_writing').score,
    ).toBe(1);
    expect(verdict(`Summarize the following in two sentences:\n${A.de} ${A.de}`, A.en, 'summarization').score).toBe(1);
    expect(verdict(`Résume ce texte en une phrase : ${A.en} ${A.en}`, A.fr, 'summarization').score).toBe(1);
    expect(verdict(`Fasse diesen Text kurz zusammen:\n${A.en}`, A.de, 'summarization').score).toBe(1);
  });
});
