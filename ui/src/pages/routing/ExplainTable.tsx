// An explain answer as the operator reads it: the classification in one line (who classified, how sure), then the
// candidates in the order the gateway would try them with their scores, the bandit's evidence and draw, and reasons,
// then the models left out and why.
import { EmptyState } from '../../components/common';
import type { Explanation } from './api';
import { BanditSummary, ClassifierFacts, drawText, evidenceText } from './LearningParts';

/** The needs the classifier found, in words ("tools, vision"); "none" when it found none. */
function needsText(needs: Explanation['needs']): string {
  const found = [
    needs.tools ? 'tools' : undefined,
    needs.vision ? 'vision' : undefined,
    needs.json ? 'JSON' : undefined,
    needs.longContext ? 'long context' : undefined,
  ].filter((n) => n !== undefined);
  return found.length === 0 ? 'none' : found.join(', ');
}

export function ExplainTable({ explanation }: { explanation: Explanation }) {
  const { candidates, skipped } = explanation;
  return (
    <div className="explain">
      <dl className="explain-facts" aria-label="Classification">
        <div>
          <dt>Task</dt>
          <dd>{explanation.task}</dd>
        </div>
        <div>
          <dt>Domain</dt>
          <dd>{explanation.domain}</dd>
        </div>
        <ClassifierFacts part={explanation.classifier} />
        <div>
          <dt>Complexity</dt>
          <dd>{explanation.complexity.toFixed(2)}</dd>
        </div>
        <div>
          <dt>Prompt tokens</dt>
          <dd>{explanation.tokens}</dd>
        </div>
        <div>
          <dt>Needs</dt>
          <dd>{needsText(explanation.needs)}</dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd>{explanation.mode}</dd>
        </div>
        <div>
          <dt>Rule</dt>
          <dd>{explanation.rule ?? 'none matched'}</dd>
        </div>
      </dl>
      {candidates.length === 0 ? (
        <EmptyState title="No candidate">
          <p>No serving model can take this request. Switch a model on, on the Models page, or add a provider key.</p>
        </EmptyState>
      ) : (
        <>
          <BanditSummary bandit={explanation.bandit} />
          <table aria-label="Ranked candidates">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Rank
                </th>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Score
                </th>
                <th scope="col">Evidence</th>
                <th scope="col">Draw</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {candidates.map((c, i) => (
                <tr key={c.model}>
                  <td className="num">{i + 1}</td>
                  <td>
                    <code>{c.model}</code>
                  </td>
                  <td className="num">{c.score.toFixed(3)}</td>
                  <td>{evidenceText(c.bandit)}</td>
                  <td>{drawText(c.bandit)}</td>
                  <td>{c.reasons.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {skipped.length > 0 ? (
        <table aria-label="Left out">
          <thead>
            <tr>
              <th scope="col">Left out</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {skipped.map((s) => (
              <tr key={s.model}>
                <td>
                  <code>{s.model}</code>
                </td>
                <td>{s.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
