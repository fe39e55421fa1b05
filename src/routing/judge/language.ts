// The judge's language check: an answer in another language than the question (franc-min on samples of both).
import { francAll } from 'franc-min';
import { stripCode } from './code.js';
import { countScripts, dominantScript, englishShare, type ScriptCounts } from './script.js';
import type { Answer, Failure, JudgeInput } from './types.js';

/** Below this many letters a language guess is noise ("ok thanks" reads as Chichewa). */
const MIN_LETTERS = 40;
/**
 * franc-min costs about 1 µs a character (it weighs every Latin-script language): an opening this long tells the
 * language.
 */
const SAMPLE_CHARS = 300;
/** An answer with less than this share of the question's script is in another script. */
const MIN_SCRIPT_SHARE = 0.15;
/** franc's scores are relative (1 for its best guess): a language scoring this close counts as a match. */
const CLOSE = 0.85;
/** A question naming a language ("reply in French", "this German text") may well want an answer in another. */
const NAMES_LANGUAGE = new RegExp(
  String.raw`\b(?:english|french|spanish|german|italian|portuguese|dutch|russian|chinese|mandarin|cantonese|japanese|korean|` +
    String.raw`arabic|hindi|turkish|polish|swedish|norwegian|danish|finnish|greek|hebrew|vietnamese|thai|indonesian|malay|` +
    String.raw`ukrainian|czech|romanian|hungarian|persian|farsi|bengali|urdu|swahili|latin|` +
    // ...and a few names as their own speakers write them ("en français", "auf Deutsch", "texte anglais").
    String.raw`fran[cç]ais|anglais|allemand|espagnol|chinois|japonais|espa[nñ]ol|ingl[eé]s|alem[aá]n|deutsch|englisch|` +
    String.raw`spanisch|italiano|inglese|tedesco|portugu[eê]s|ingl[eê]s)\b|английск|英语|英文|中文|日本語|英語|영어`,
  'i',
);
/** An instruction shorter than this tells nothing about its language. */
const INSTRUCTION_LETTERS = 10;
/** The share of English-only words from which a text reads as English (see `englishShare`). */
const ENGLISH_SHARE = 0.2;
const ENGLISH_ONLY: Array<[string, number]> = [['eng', 1]];

/**
 * The answer is in another language than the question: 0.3. Another dominant script decides at once (cheap); within
 * one script, common English words decide the usual English-English case, and franc-min the rest. Skipped for
 * translation tasks, questions that name a language, JSON and tool calls, and texts under 40 letters.
 * `prose` is the answer without code blocks.
 */
export function checkLanguage(answer: Answer, input: JudgeInput, prose: string): Failure | undefined {
  if (input.task === 'translation' || input.json || answer.hasToolCalls) return undefined;
  // Each of these passes leaves the answer unjudged: the cheapest (a short question) is asked first.
  const question = prosePrefix(input.question);
  const q = countScripts(question);
  if (q.letters < MIN_LETTERS || NAMES_LANGUAGE.test(input.question)) return undefined;
  const reply = prosePrefix(prose);
  const a = countScripts(reply);
  if (a.letters < MIN_LETTERS) return undefined;
  const qScript = dominantScript(q);
  const aScript = dominantScript(a);
  if ((a.by[qScript] ?? 0) / a.letters < MIN_SCRIPT_SHARE) return mismatch(qScript, aScript);
  if (qScript === 'cjk')
    return cjkLanguage(q) === cjkLanguage(a) ? undefined : mismatch(cjkLanguage(q), cjkLanguage(a));
  if (qScript !== 'latin' && qScript !== 'cyrillic' && qScript !== 'arabic' && qScript !== 'devanagari')
    return undefined;
  const aEnglish = aScript === 'latin' && englishShare(reply) >= ENGLISH_SHARE;
  // Next to an English answer, a question with a few English-only words is English: terse prompts ("Write a limerick
  // about a cat") have fewer than prose, and other languages have next to none.
  const qShare = aEnglish ? ENGLISH_SHARE / 2 : ENGLISH_SHARE;
  const qEnglish = qScript === 'latin' && englishShare(question) >= qShare;
  if (qEnglish && aEnglish) return undefined;
  const qLangs = qEnglish ? ENGLISH_ONLY : questionLanguages(question);
  const aLangs = aEnglish ? ENGLISH_ONLY : francAll(reply);
  const qTop = qLangs[0]?.[0] ?? 'und';
  const aTop = aLangs[0]?.[0] ?? 'und';
  if (qTop === 'und' || aTop === 'und' || qTop === aTop) return undefined;
  if (scoreOf(aLangs, qTop) >= CLOSE || scoreOf(qLangs, aTop) >= CLOSE) return undefined;
  if (instructionMatches(question, aTop)) return undefined;
  return mismatch(qTop, aTop);
}

/** Recent questions' guesses: fallbacks and ensemble members judge several answers to one question. */
const recentQuestions = new Map<string, Array<[string, number]>>();
const RECENT_QUESTIONS = 256;

function questionLanguages(question: string): Array<[string, number]> {
  let langs = recentQuestions.get(question);
  if (langs === undefined) {
    langs = francAll(question);
    if (recentQuestions.size >= RECENT_QUESTIONS) recentQuestions.delete(recentQuestions.keys().next().value!);
    recentQuestions.set(question, langs);
  }
  return langs;
}

function mismatch(question: string, answer: string): Failure {
  return {
    score: 0.3,
    reason: `answer in another language than the question (${question} question, ${answer} answer)`,
  };
}

/** Chinese writes no kana; Japanese writes plenty. */
function cjkLanguage(counts: ScriptCounts): 'jpn' | 'cmn' {
  return counts.kana * 3 >= 0.1 * (counts.by.cjk ?? 0) ? 'jpn' : 'cmn';
}

/** The text's first SAMPLE_CHARS characters of prose (code blocks, inline code and URLs carry no language). */
function prosePrefix(text: string): string {
  return stripCode(text.length > SAMPLE_CHARS * 4 ? text.slice(0, SAMPLE_CHARS * 4) : text).slice(0, SAMPLE_CHARS);
}

/**
 * An instruction before a pasted text ("Summarize this:\n<German article>", "Résume ce texte : <English text>") is in
 * the language of the answer. Only asked before reporting a mismatch, so its cost does not matter; lenient (short texts
 * give close scores to many languages), as a wrong mismatch makes the graph drop a good answer.
 */
function instructionMatches(question: string, answerLang: string): boolean {
  const end = question.search(/[:\n]/);
  if (end === -1) return false;
  const instruction = question.slice(0, end);
  if (answerLang === 'eng' && englishShare(instruction) >= ENGLISH_SHARE / 2) return true;
  return (
    countScripts(instruction).letters >= INSTRUCTION_LETTERS &&
    scoreOf(francAll(instruction, { minLength: 1 }), answerLang) >= CLOSE
  );
}

function scoreOf(langs: Array<[string, number]>, lang: string): number {
  return langs.find(([code]) => code === lang)?.[1] ?? 0;
}
