// The code of an answer: its first fenced block (a refactor answers with one), else nothing.

/** The content of the first fenced code block in `markdown`, or undefined. */
export function firstCodeBlock(markdown: string): string | undefined {
  const match = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?\1[ \t]*$/m.exec(markdown);
  return match?.[2];
}
