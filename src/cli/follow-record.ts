// A finished run's record (GET /v1/runs/{id}) as the same tree `follow` draws from events: for runs whose events
// were not recorded (a run id the gateway chose) or are past the event log's retention.
import type { RunRecord } from '../../graphs/chat/run-record.js';
import { color, duration } from './output.js';

/** The record's lines: classification, route, every attempt (fallbacks and judge scores), the outcome. */
export function recordLines(record: RunRecord): string[] {
  const lines = [`${color.bold(`● run ${record.run_id}`)} · ${color.dim('from its record (the events are not kept)')}`];
  const c = record.classification;
  if (c !== undefined)
    lines.push(`├─ classify ${c.task}${c.domain === 'general' ? '' : ` · ${c.domain}`} · complexity ${c.complexity}`);
  if (record.plan !== undefined) {
    const plan = record.plan.slice(0, 3).map((p) => `${p.model} ${p.score.toFixed(2)}`);
    const rule = record.rule === undefined ? '' : `, rule ${record.rule}`;
    lines.push(`├─ route (${record.mode ?? '?'}${rule}): ${plan.join(' → ')}`);
  }
  for (const attempt of record.attempts) {
    const ms = color.dim(` ${duration(attempt.ms)}`);
    if (attempt.skipped) lines.push(`├─ ${color.dim(`- call ${attempt.model} skipped`)}`);
    else if (attempt.error !== undefined)
      lines.push(
        `├─ ${color.red('✗')} call ${attempt.model}${ms} ${color.red(`${attempt.error.kind}: ${attempt.error.message}`)}`,
      );
    else {
      const judge = attempt.judge === undefined ? '' : ` · judge ${attempt.judge.score}`;
      lines.push(`├─ ${color.green('✓')} call ${attempt.model}${ms}${judge}`);
    }
  }
  const at = new Date(record.finished_at).toISOString().replace('T', ' ').slice(0, 19);
  if (record.status === 'succeeded') {
    // After a mid-stream failover `model` finished the answer and `started_by` began it.
    const started = record.started_by === undefined ? '' : ` (started by ${record.started_by})`;
    lines.push(`└─ ${color.green('✓ answered')} by ${record.model ?? '?'}${started} · ${at} UTC`);
  } else {
    const error = record.error === undefined ? '' : ` ${record.error.status}: ${record.error.message}`;
    lines.push(`└─ ${color.red(`✗ failed${error}`)} · ${at} UTC`);
  }
  return lines;
}
