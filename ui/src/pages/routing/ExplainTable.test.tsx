// @vitest-environment jsdom
// The explain table: the classification in words, the candidates in the gateway's order with rank, score and
// reasons, and the models left out with why.
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
      ['1', 'beta/beta-chat', '0.912', 'preferred by rule code-first; quality 0.9'],
      ['2', 'alpha/alpha-chat', '0.500', 'quality 0.6'],
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

  it('says what to do when no model can take the request', () => {
    render(
      <ExplainTable explanation={{ ...explanation, rule: undefined, candidates: [], skipped: [] } as Explanation} />,
    );
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByRole('region', { name: 'No candidate' }).textContent).toMatch(/Models page/);
    expect(screen.getByLabelText('Classification').textContent).toContain('Rulenone matched');
  });
});
