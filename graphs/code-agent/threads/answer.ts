// Splits the agent's final answer into the API's generated_code (its fenced code blocks) and explanation (the rest).

/** The parts of a final answer. */
export interface SplitAnswer {
  /** The fenced code blocks' contents, in order, separated by a blank line; '' when there are none. */
  generated_code: string;
  /** The text outside the code blocks, trimmed, with runs of blank lines collapsed. */
  explanation: string;
}

/** A fence: ``` or ~~~ (three or more), an optional info string, the body, the same fence closing it. */
const FENCE = /^([ \t]*)(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?[ \t]*\2[ \t]*$/gm;

/** Code blocks → generated_code, everything else → explanation. An unclosed fence stays in the explanation. */
export function splitAnswer(text: string): SplitAnswer {
  const code: string[] = [];
  const explanation = text.replace(FENCE, (_match, _indent: string, _fence: string, body: string) => {
    code.push(body);
    return '';
  });
  return {
    generated_code: code.join('\n\n'),
    explanation: explanation.replace(/\n[ \t]*(\n[ \t]*)+/g, '\n\n').trim(),
  };
}
