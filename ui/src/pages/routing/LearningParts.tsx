// What the router learned, in an explain answer: who classified the prompt and how sure it was (with the second
// opinion of routing.llmClassifier when configured), and the bandit's evidence and draw for each candidate.
import type { ArmPart, ClassifierPart, Explanation } from './api';

const two = (x: number): string => x.toFixed(2);

/** Who classified, in words. */
function classifiedBy(part: ClassifierPart): string {
  if (part.by === 'llm') return `${part.secondOpinion?.model ?? 'the classifier model'} (second opinion)`;
  return part.by === 'learned' ? 'learned classifier' : 'rules';
}

/** The confidence against the threshold below which the classifier model is asked. */
function confidenceText(part: ClassifierPart): string {
  if (part.confidence === undefined) return 'not given';
  const below = part.confidence < part.minConfidence;
  return `${two(part.confidence)} (${below ? 'below' : 'at or above'} ${two(part.minConfidence)})`;
}

/** What the classifier model did or would do for this prompt. */
function opinionText(opinion: NonNullable<ClassifierPart['secondOpinion']>): string {
  if (opinion.taken) return `${opinion.model} said ${opinion.task ?? '?'}, ${opinion.domain ?? 'general'}`;
  if (opinion.wanted) return `${opinion.model} would be asked (no answer remembered for this prompt yet)`;
  return 'not needed';
}

/** The classifier's facts, for the classification list: who, how sure, and the second opinion when configured. */
export function ClassifierFacts({ part }: { part: ClassifierPart | undefined }) {
  if (part === undefined) return null;
  return (
    <>
      <div>
        <dt>Classified by</dt>
        <dd>{classifiedBy(part)}</dd>
      </div>
      <div>
        <dt>Confidence</dt>
        <dd>{confidenceText(part)}</dd>
      </div>
      {part.secondOpinion ? (
        <div>
          <dt>Second opinion</dt>
          <dd>{opinionText(part.secondOpinion)}</dd>
        </div>
      ) : null}
    </>
  );
}

/** One line on the bandit for the whole plan: off, no draw, or whether the draws changed the order. */
export function BanditSummary({ bandit }: { bandit: Explanation['bandit'] }) {
  let text: string;
  if (bandit === undefined) text = 'Learning from traffic is off (routing.bandit.enabled: false): catalog priors only.';
  else if (!bandit.drew)
    text = 'Learning from traffic: no draw for this plan (a named model, one candidate, or fastest): posterior means.';
  else
    text =
      `Learning from traffic: each quality is drawn from its model's posterior (the catalog's prior worth ` +
      `${bandit.priorStrength} answers, plus the answers seen); the draws ${bandit.reordered ? 'changed' : 'did not change'} the order.`;
  return <p className="hint explain-bandit">{text}</p>;
}

/** A candidate's evidence: answers seen for this task and the posterior mean. */
export function evidenceText(arm: ArmPart | undefined): string {
  if (arm === undefined) return '—';
  const answers = arm.evidence === 0 ? 'no answers yet' : `${two(arm.evidence)} answers (${two(arm.good)} good)`;
  return `${answers}, mean ${two(arm.mean)}`;
}

/** A candidate's draw and what it did to its place. */
export function drawText(arm: ArmPart | undefined): string {
  if (arm === undefined) return '—';
  if (arm.sample === undefined) return 'none (mean used)';
  if (!arm.moved) return two(arm.sample);
  return `${two(arm.sample)}, ${arm.rank < arm.rankWithoutDraw ? 'up' : 'down'} from ${arm.rankWithoutDraw}`;
}
