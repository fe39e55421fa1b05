// @vitest-environment jsdom
// The explain table: the classification in words (who classified, how sure, the second opinion), the candidates in
// the gateway's order with rank, score, the bandit's evidence and draw, and reasons, and the models left out with why.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Explanation } from './api';
import { ExplainTable } from './ExplainTable';

const explanation: Explanation = {
  task: 'code',
  domain: 'software',
  complexity: 0.4567,
  tokens: 12,
  needs: { tools: true, vision: false, json: true, longContext: false },
  mode: 'best_quality',
  rule: 'code-first',
  candidates: [
    { model: 'beta/beta-chat', score: 0.91234, reasons: ['preferred by rule code-first', 'quality 0.9'] },
    { model: 'alpha/alpha-chat', score: 0.5, reasons: ['quality 0.6'] },
  ],
  skipped: [{ model: 'gamma/tiny', reason: 'context window too small' }],
};

afterEach(cleanup);

describe('ExplainTable', () => {
  it('lists the candidates in order with rank, score and reasons, and what was left out', () => {
    render(<ExplainTable explanation={explanation} />);
    const rows = within(screen.getByRole('table', { name: 'Ranked candidates' }))
      .getAllByRole('row')
      .slice(1);
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ['1', 'beta/beta-chat', '0.912', '—', '—', 'preferred by rule code-first; quality 0.9'],
      ['2', 'alpha/alpha-chat', '0.500', '—', '—', 'quality 0.6'],
    ]);
    const left = within(screen.getByRole('table', { name: 'Left out' }))
      .getAllByRole('row')
      .slice(1);
    expect(left.map((row) => row.textContent)).toEqual(['gamma/tinycontext window too small']);
    const facts = screen.getByLabelText('Classification');
    expect(facts.textContent).toContain('Needstools, JSON');
    expect(facts.textContent).toContain('Complexity0.46');
    expect(facts.textContent).toContain('Rulecode-first');
  });

  it("shows who classified and how sure, and each candidate's evidence and draw, and when a draw moved it", () => {
    const arm = { alpha: 20, beta: 10, good: 0, bad: 0, evidence: 0 };
    render(
      <ExplainTable
        explanation={{
          ...explanation,
          confidence: 0.42,
          classifier: {
            by: 'llm',
            confidence: 0.42,
            minConfidence: 0.5,
            secondOpinion: { model: 'gamma/fast', wanted: true, taken: true, task: 'code', domain: 'general' },
          },
          bandit: { priorStrength: 30, window: 200, drew: true, reordered: true },
          candidates: [
            {
              ...explanation.candidates[0]!,
              bandit: {
                ...arm,
                mean: 0.61,
                sample: 0.8123,
                good: 10.5,
                bad: 1.5,
                evidence: 12,
                rank: 1,
                rankWithoutDraw: 2,
                moved: true,
              },
            },
            {
              ...explanation.candidates[1]!,
              bandit: { ...arm, mean: 0.667, sample: 0.7, rank: 2, rankWithoutDraw: 1, moved: true },
            },
          ],
        }}
      />,
    );
    const facts = screen.getByLabelText('Classification').textContent;
    expect(facts).toContain('Classified bygamma/fast (second opinion)');
    expect(facts).toContain('Confidence0.42 (below 0.50)');
    expect(facts).toContain('Second opiniongamma/fast said code, general');
    expect(screen.getByText(/the draws changed the order/).textContent).toContain('prior worth 30 answers');
    const cells = within(screen.getByRole('table', { name: 'Ranked candidates' }))
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(cells.map((row) => row.slice(3, 5))).toEqual([
      ['12.00 answers (10.50 good), mean 0.61', '0.81, up from 2'],
      ['no answers yet, mean 0.67', '0.70, down from 1'],
    ]);
  });

  it('says when the bandit drew nothing or is off, and when the classifier model would be asked', () => {
    const arm = {
      alpha: 1,
      beta: 1,
      mean: 0.5,
      good: 0,
      bad: 0,
      evidence: 0,
      rank: 1,
      rankWithoutDraw: 1,
      moved: false,
    };
    const classifier = {
      by: 'learned' as const,
      confidence: 0.3,
      minConfidence: 0.5,
      secondOpinion: { model: 'gamma/fast', wanted: true, taken: false },
    };
    const { unmount } = render(
      <ExplainTable
        explanation={{
          ...explanation,
          classifier,
          bandit: { priorStrength: 30, window: 200, drew: false, reordered: false },
          candidates: [{ ...explanation.candidates[0]!, bandit: arm }],
        }}
      />,
    );
    expect(screen.getByText(/no draw for this plan/)).toBeTruthy();
    expect(screen.getByLabelText('Classification').textContent).toContain(
      'Classified bylearned classifierConfidence0.30 (below 0.50)Second opiniongamma/fast would be asked',
    );
    const row = within(screen.getByRole('table', { name: 'Ranked candidates' })).getAllByRole('row')[1]!;
    expect(within(row).getAllByRole('cell')[4]!.textContent).toBe('none (mean used)');
    unmount();
    render(<ExplainTable explanation={explanation} />);
    expect(screen.getByText(/Learning from traffic is off/)).toBeTruthy();
  });

  it('says what to do when no model can take the request', () => {
    render(
      <ExplainTable explanation={{ ...explanation, rule: undefined, candidates: [], skipped: [] } as Explanation} />,
    );
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByRole('region', { name: 'No candidate' }).textContent).toMatch(/Models page/);
    expect(screen.getByLabelText('Classification').textContent).toContain('Rulenone matched');
  });
});
