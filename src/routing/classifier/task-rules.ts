// Task rules: weighted words, phrases and patterns per task; the classifier adds them up and the best score wins.
// Weights: 4-5 names the task outright ("translate", "summarize"), 2-3 is a strong hint, 1 or less a weak one.
import type { Task } from '../../config/schema.js';
import { pattern, words, type Feature } from './lexicon.js';

/**
 * Features per task, scored over the last user message (its ask in full, the material it quotes at half weight) and,
 * weaker, the system prompt and the previous user turn.
 */
export const TASK_RULES: Readonly<Record<Task, readonly Feature[]>> = {
  code: [
    words(3, 'code|coding|programming|programmer|codebase|source code'),
    words(2.5, 'function|functions|method|class|classes|implement|implementation|algorithm'),
    words(
      3,
      'python|javascript|typescript|java|rust|golang|kotlin|swift|ruby|php|perl|scala|haskell|lua|solidity|' +
        'vba|matlab|bash|shell|powershell|sql|html|css|jsx|tsx',
    ),
    words(
      3,
      'react|vue|angular|svelte|next js|node js|nodejs|npm|flask|django|fastapi|spring|pandas|numpy|' +
        'matplotlib|beautifulsoup|pytest|jest|junit',
    ),
    words(
      2.5,
      'docker|dockerfile|kubernetes|k8s|terraform|nginx|git|github|ci|yaml|json schema|regex|regexp|api|' +
        'endpoint|sdk|cli',
    ),
    words(
      3,
      'bug|bugs|debug|debugging|refactor|refactoring|compile|compiler|stack trace|traceback|segfault|' +
        'exception|runtime error|syntax error|unit test|unit tests',
    ),
    words(
      2,
      'script|program|snippet|library|package|module|deploy|deployment|database|databases|database schema|' +
        'create table|query|queries|frontend|backend|repo|repository|macro|hashing',
    ),
    words(
      2,
      'linked list|binary tree|binary search|hash map|hashmap|array|arrays|integer|integers|string|strings|' +
        'recursion|dynamic programming|time complexity|big o|data structure',
    ),
    words(
      1.5,
      'variable|loop|iteration|return|returns|parse|parses|input|output|stdin|stdout|null|undefined|boolean|' +
        'dictionary|dictionaries|list of',
    ),
    words(2, 'keyword|keywords|syntax|operator|operators|async|await|callback|promise|promises|thread|threads'),
    words(2, 'smart contract|web app|website|scraper|scrape|server|localhost|linux|terminal|command line'),
    pattern(4, /```/, '`'),
    pattern(3, /\bc(?:\+\+|#)|\bin c\b/),
    pattern(3, /\w(?:error|exception)\b/),
    pattern(
      2.5,
      /(?:^|\n)\s*(?:def |class |function |const |let |var |import |public |private |#include|fn |func |package )/,
    ),
    // Bounded repeats and a leading \b: an unbounded `\w*\(` rescans a long token from every position (quadratic).
    pattern(2, /\((?<=\b[a-z_]\w{0,30}\()[^()\n]{0,60}\)/, '('),
    pattern(2, /=>|===|!==|::|->|\+\+|&&|\|\||[{};]\s*$/m, '=:-+&|{};'),
    pattern(1.5, /[a-z]_[a-z]|[a-z]\.[a-z]+\(/, '_('),
  ],
  math: [
    words(
      3,
      'solve|equation|equations|integral|integrate|derivative|differentiate|polynomial|eigenvalue|' +
        'eigenvalues|matrix|matrices|algebra|calculus|geometry|trigonometry|theorem|probability',
    ),
    words(
      2.5,
      'calculate|calculation|compute|simplify|factor|factorise|factorize|prove|proof|irrational|prime|' +
        'primes|converge|converges|series|limit of|the limit|percentage|percent|mod|modulo',
    ),
    words(1, 'integers|positive integers|numbers|odd|even|digit'),
    words(2, 'rolling|roll a|deck|cards|drawing|marbles|coins'),
    words(
      3,
      'how many ways|in how many ways|arrangements|permutations|combinations|expected value|how old|' +
        'years old|twice as old|times as old|fair die|six sided die|dice|coin flip|coin flips|odds of',
    ),
    words(1.5, 'how many|how much'),
    words(
      2,
      'how long does it take|sum|product|average|mean|median|standard deviation|variance|ratio|fraction|' +
        'area|volume|perimeter|triangle|circle|radius|vertices|digits',
    ),
    words(
      2,
      'differential equation|solve for|system of equations|number needed to treat|relative risk|' +
        'compound annual growth rate|net present value|half life|molarity',
    ),
    words(
      1.5,
      'total|each|per|twice|times as many|more than|less than|remaining|left over|interest|compounded|' +
        'discount|cost|earn|earns|pay|hour|hours|km|miles|speed',
    ),
    pattern(
      3,
      /\d\s*[-+*/×÷^]\s*\d|\^\d(?<=\b\d*[a-z]\^\d)|[xyz]\b(?<=\b\d+[xyz])|[xyz]\s*[=+*/^]|=\s*-?\d/,
      '0123456789=+*/^',
    ),
    pattern(3, /\d\s?% of \$?\d/, '%'),
    pattern(
      2,
      /\((?<=\b(?:sin|cos|tan|log|ln|exp)\s*\()|\(x\)(?<=\b[fg]\(x\))|\/d[xy]\b(?<=\bd[xy]\/d[xy])|\bsqrt\b|\bpi\b|√|∫|∑/,
    ),
    pattern(1, /\$\s?\d|\d\s?%/, '$%'),
  ],
  reasoning: [
    words(4, 'puzzle|riddle|brain teaser|logic puzzle|odd one out|fallacy|logical fallacy|syllogism'),
    words(
      3,
      'reason|reasoning|reason it|reason through|logic|logical|logically|deduce|deduction|infer|inference|' +
        'does it follow|it follows|premise|premises|assumption|assumptions|underlie',
    ),
    words(
      3,
      'pros and cons|trade offs|tradeoffs|trade off|weigh|weighing|argue|argue it out|make the case|' +
        'which would|which is better|which option|valid reasoning|is this valid|argument|arguments|' +
        'counterargument|both sides|competing explanations|justify|critically|critique|assess|evaluate',
    ),
    words(
      2,
      'analyze|analyse|analysis|compare|contrast|which is stronger|recommend|should we|rank|prioritize|' +
        'prioritise|decide|decision|dilemma|ethical|ethics|implications|consequences',
    ),
    words(
      2,
      'explain your reasoning|step by step|think step by step|work through|walk me through|' +
        'what does this suggest|conclude|conclusion|conclusions|causal|mechanism|evidence|confounders|' +
        'confounding|hypothesis|experiment|variables|controls',
    ),
    words(
      3,
      'the cause|root cause|what else could|could be going on|alternative explanations|' +
        'how would you find out|how would you test|help me think|think it through|strongest case|' +
        'case for each side|each side|the factors|walk through',
    ),
    words(
      1.5,
      'why|likely|factors|true or false|shortest|minimum|optimal|cross|suspects|truth|lies|statement|' +
        'statements|order|how would you test',
    ),
    words(
      3,
      'taller than|shorter than|older than|younger than|heavier than|faster than|second shortest|' +
        'second tallest|if all|none of|definitely|necessarily|must be true|could be true|what day of the week|' +
        'days from now|if today is',
    ),
    words(
      3,
      'brother|brothers|sister|sisters|father|mother|son|daughter|uncle|aunt|cousin|grandfather|relationship between',
    ),
    words(2, 'river|boat|bridge|torch|wolf|goat|cabbage|liar|liars|knights and knaves|boxes|labels'),
    words(
      2.5,
      'both readings|both interpretations|interpretation|interpretations|consider both|schedule|scheduling|' +
        'dependencies|depends on|at most two|at once|one item|only one|must get|across|without anything',
    ),
    pattern(3, /\ball \w+ are \w+/),
  ],
  creative_writing: [
    words(5, 'poem|poems|poetry|haiku|sonnet|limerick|villanelle|acrostic|lyrics|ballad|ode|free verse|rhyme|rhyming'),
    words(
      4,
      'story|stories|short story|fable|fairy tale|novel|fiction|flash fiction|screenplay|play scene|scene|' +
        'plot twist|plot twists|bedtime story|narrative',
    ),
    words(
      3.5,
      'essay|blog post|op ed|speech|toast|eulogy|cover letter|caption|slogan|tagline|jingle|ad script|' +
        'product description|press release|rap|verse|song|chorus|sea shanty',
    ),
    words(
      3,
      'invent|make up|dream up|monologue|soliloquy|dialogue between|newsletter|blurb|intro for|announcing|' +
        'love letter|lullaby|rewrite|rephrase|reword|paraphrase|make it sound|sound more|more exciting|' +
        'more formal|more casual|polish|proofread|brainstorm|catchy|names for|creative|imaginative|vivid|' +
        'write a letter|letter from|thank you note|linkedin post|instagram|tweet|email to|draft an email|' +
        'announcement|persuasive|motivational|opening paragraph',
    ),
    words(
      1.5,
      'write|compose|draft|craft|pen|describe|in the style of|tone|funny|heartfelt|character|characters|' +
        'words|sentences',
    ),
  ],
  roleplay: [
    words(
      5,
      'roleplay|role play|roleplaying|role playing|stay in character|in character|play the role|' +
        'take on the role|assume the role|embody the persona',
    ),
    words(
      4,
      'act as|acting as|pretend|pretend to be|pretend you are|imagine you are|imagine yourself|you are now|' +
        'from now on you are|i want you to act|be my|persona|game master|dungeon master|text adventure|' +
        'let s play|let s roleplay',
    ),
    words(
      3,
      'simulate|you ask the questions|you ask|take the persona|persona of|you will play|stay in role|' +
        'be a patient|act like|acting like|as if you were|as though you were|respond as|play a|play an|' +
        'mock interview|mock job interview|you are the|i am the|i m the',
    ),
    words(
      2.5,
      'you are a|you are an|respond in character|narrate|in your own voice|your voice|in the first person|first person',
    ),
    words(
      2,
      'i m a|i am a|i ll|one at a time|wait for my|interviewer|interview me|customer|client|ensign|knight|wizard',
    ),
    pattern(2, /\byou are (?!a |an |the |not |right|correct|wrong|welcome|going|so |very |too |able)[a-z]+ [a-z]+\b/),
  ],
  extraction: [
    words(5, 'extract|extraction|pull out|parse the following|named entities|entities'),
    words(3, 'json'),
    words(
      3.5,
      'classify|classification|categorize|categorise|tag each|label each|sentiment|positive or negative|' +
        'intent|key value|key value pairs|defined terms|as json|return json|in json|json with|into json|' +
        'json array|json object|csv|as a table|structured data',
    ),
    words(
      3,
      'find the|appear in|appears in|spam or not|in this message|in this email|in this passage|' +
        'in this notice|in this document|in this article|get the|out of this|out of the following|' +
        'from the contract|from the table|according to this table|according to the table|from the passage|' +
        'in the text below|turn this text|turn this',
    ),
    words(
      3,
      'identify all|identify the|identify every|list every|list all|list the|find all|pull the|' +
        'which sentences|mentioned|mention|mentions|cited|according to this|according to the passage|' +
        'based only on|based on the passage|from this|from the following|from the text|in this text|' +
        'in this paragraph|in this report|in this clause',
    ),
    words(
      1.5,
      'table|fields|each|return|following|passage|text below|below|paragraph|answer with only|' +
        'just the number|transcript|invoice|report|review|reviews|tweet|log lines',
    ),
    pattern(2, /["'“‘][^"'”’]{40,}["'”’]|:\s*\n|:\s*["'“‘]/, `"'“‘:`),
  ],
  summarization: [
    words(
      5,
      'summarize|summarise|summarized|summarised|summarizing|summarising|summary|summaries|summarization|' +
        'tl dr|tldr|gist|recap|condense|shorten|boil|boil down|key takeaways|takeaways|executive summary',
    ),
    words(4, 'make this shorter|make it shorter|shorter version|more concise|cut this down|cut it down|trim this'),
    words(
      3,
      'main conclusions|conclusions of|key findings|in short|main ideas|main idea|bullet point|key ideas|' +
        'abstract of|couple of sentences|few sentences|short version|in a nutshell|catch me up|main points|' +
        'key points|main arguments|headline|synopsis|abstract|overview|brief|briefly|concise|in one sentence|' +
        'in one paragraph|one sentence|bullet points|bullets|in under|at most',
    ),
    // "in three sentences", "in 5 bullet points", "a two-sentence summary": written from the last word, the rest checked
    // by lookbehinds (see `pattern`), which matches the same texts (on the bank, the old set and a million fuzzed
    // strings) in under half the time: the old form, `\bin (...) (...)\b|\b(...)[- ]sentence\b`, tried every `i`, `o`,
    // `t` and digit.
    pattern(
      2,
      /(?:sentences|lines|bullets|points|words)\b(?<=\bin (?:one|two|three|four|five|\d+) (?:sentences|lines|bullets|bullet points|words))|sentence\b(?<=\b(?:one|two|three|\d+)[- ]sentence)/,
    ),
    pattern(2, /\bwhat does (?:this|the) \w+ say\b/),
    words(
      1.5,
      'the following|this article|this text|this passage|this thread|this report|this paper|this transcript|' +
        'this chapter|the book|story so far|what changes|decisions',
    ),
  ],
  translation: [
    words(
      6,
      'translate|translation|translated|translating|translator|traduce|traducir|traduis|traduire|traduisez|' +
        'traduza|traduzir|traduci|tradurre|übersetze|übersetzen|übersetzung|переведи|перевод|перевести',
    ),
    words(
      3,
      'how do you say|how would you say|how to say|mean in english|the english for|in english|' +
        'english translation|render|localize|localise',
    ),
    words(
      3,
      'in french|in spanish|in german|in italian|in portuguese|in japanese|in chinese|in mandarin|in korean|' +
        'in hindi|in arabic|in russian|in dutch|in polish|in turkish|in greek|in vietnamese|in swedish|' +
        'english please|in english please|in czech|in hungarian|in romanian|in ukrainian|in persian|in farsi|' +
        'in urdu|in bengali|in tamil|in swahili|in malay|in tagalog|in hebrew|in thai|in norwegian|in danish|' +
        'in finnish|in catalan|in latin|in indonesian',
    ),
    words(
      4,
      'auf englisch|auf deutsch|was heißt|wie sagt man|en español|en inglés|en français|comment dit on|' +
        'cómo se dice|come si dice|spanish version|french version|german version|english version',
    ),
    words(1.5, 'say|put this into|convert this'),
    words(
      2.5,
      'into french|into spanish|into german|into italian|into portuguese|into japanese|into chinese|' +
        'into mandarin|into korean|into hindi|into arabic|into russian|into dutch|into polish|into turkish|' +
        'into greek|into vietnamese|into swedish|into english|to english|to french|to spanish|to german|' +
        'to chinese|to japanese|to italian|from russian|from german|from korean|from french|from spanish|' +
        'from japanese|from chinese',
    ),
    words(
      1.5,
      'french|spanish|german|italian|portuguese|japanese|chinese|mandarin|cantonese|korean|hindi|arabic|' +
        'russian|dutch|polish|turkish|greek|vietnamese|swedish|norwegian|danish|finnish|hebrew|thai|' +
        'indonesian|czech|hungarian|romanian|ukrainian|persian|urdu|bengali|swahili|english|idiom|' +
        'ins englische|al inglés|en anglais|para o inglês',
    ),
    pattern(6, /翻译|翻譯|翻訳|번역/, '翻번'),
  ],
  knowledge: [
    words(
      2,
      'what is|what are|what was|what were|what s|what does|who is|who was|who wrote|who painted|' +
        'who invented|who discovered|tell me about|when did|when was|where is|where was|' +
        'which of the following|which planet|which country',
    ),
    words(
      2,
      'how does|how do|how long|how many people|why is|why do|why does|why did|explain|describe|define|' +
        'definition|meaning of|difference between|what causes|causes of|history of|how it works|' +
        'in simple terms',
    ),
    words(1.5, 'how many'),
    words(
      2.5,
      'capital of|tallest|largest|smallest|first woman|first man|speed of|recommended|normal|usual|symptoms|' +
        'function of|structure of|enforceable|legal to|allowed to',
    ),
    pattern(3, /\n\s*\(?[a-d]\)\s+\S|\n\s*[a-d]\.\s+\S/, '\n'),
    pattern(1, /\?\s*$/, '?'),
    pattern(1, /^\s*(?:what|which|who|whom|whose|when|where|why|how)\b[^\n]*\?\s*$/, '?'),
  ],
  chat: [
    words(
      4,
      'hi|hello|hey|hiya|howdy|yo|good morning|good evening|good night|goodnight|how are you|how s it going|' +
        'how was your day|what s up|sup|bye|see you|talk tomorrow',
    ),
    words(
      3,
      'thanks|thank you|thx|ty|lol|haha|lmao|omg|ugh|wow|cool|nice|awesome|ok|okay|sounds good|got it|sorry|' +
        'never mind|nvm',
    ),
    words(
      3,
      'i m feeling|i feel|feeling down|bored|entertain me|vent|just talk|chat|talk for a while|study buddy|' +
        'keep me accountable|freaking out|nervous|excited|annoying|motivation|encouragement',
    ),
    words(
      3,
      'your name|your favourite|your favorite|are you real|are you a|are you an|about yourself|do you like|' +
        'you like|how old are you|can you help me|help me with something',
    ),
    words(
      2.5,
      'do you|do you ever|what do you think|your favourite|your favorite|who are you|what can you do|' +
        'what to get|gift ideas|cats or dogs|one more joke|joke|tell me something|try again|the other one|' +
        'make it shorter|but shorter|i meant',
    ),
    words(
      1.5,
      'tips|ideas|any ideas|recommend|suggest|plans|weekend|tonight|dinner|birthday|gift|puppy|my sister|' +
        'my job|quit|i just|just got|so excited|i think i m',
    ),
    pattern(1.5, /!{2,}|(?:^|\s)[:;]-?[)(dp](?:\s|$)/, '!:;'),
  ],
};

/** What every task starts from before any feature is counted: chat wins when nothing else speaks up. */
export const TASK_PRIOR: Readonly<Partial<Record<Task, number>>> = { chat: 1.5 };

/** Scores from the shape of the last user message, beyond its words. */
export const STRUCTURE = {
  /** Added to `math` per number in the message (word problems), up to `maxNumbers` numbers. */
  mathPerNumber: 0.4,
  maxNumbers: 5,
  /** Added to `code` per camelCase word (`useEffect`), up to `maxCamelCase` words. */
  codePerCamelCase: 1.25,
  maxCamelCase: 2,
  /** Messages this short (in characters), and not a question, lean to `chat`. */
  shortChars: 40,
  shortChat: 1,
  /** A pasted passage (this many lines, or a line this long) is something to summarize or to extract from. */
  passageLines: 6,
  passageLineChars: 400,
  passageSummarization: 1.5,
} as const;
