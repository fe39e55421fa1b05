// A run's events as a tree for the terminal: a line per node the run went through, under it what the node decided or
// what failed (the fallbacks), then the streamed answer and the outcome. A line is final once no event can change it.
import type { RunEvent } from '../events/types.js';
import type { EventPayloads } from '../events/types.js';
import { color, count, duration, clip } from './output.js';

type StepState = 'running' | 'done' | 'failed' | 'paused';

/** One pass through a node; a node the run goes through again (a fallback's call) is another step. */
interface Step {
  node: string;
  state: StepState;
  ms?: number;
  notes: string[];
}

/** How a run ended: answered or completed, failed, or paused on a question for a human. */
export type RunOutcome = 'ok' | 'failed' | 'waiting';

interface RunView {
  id: string;
  title: string;
  startedAt?: number;
  steps: Step[];
  chunks: number;
  /** The end of the streamed text, for the live line. */
  tail: string;
  end?: { outcome: RunOutcome; line: string };
}

/** A line of the tree; `final` once nothing can change it (a live display redraws only the others). */
export interface TreeLine {
  text: string;
  final: boolean;
}

const NOTE_WIDTH = 160;
const PLAN_SHOWN = 3;

/** The runs of one follow (one run, or every run of a thread), built from their events in order. */
export class RunTree {
  private readonly runs = new Map<string, RunView>();

  /** Adds an event to its run. */
  apply(event: RunEvent): void {
    if (event.type === 'run_started') this.runs.delete(event.run_id); // a run id used again starts over
    const run = this.run(event.run_id);
    switch (event.type) {
      case 'run_started': {
        const { data } = event;
        run.startedAt = event.ts;
        run.title =
          data.kind === 'chat'
            ? `chat · model ${data.model}${data.stream ? ' · stream' : ''}`
            : `agent ${data.agent}${data.resume ? ' · resumed' : ''}${event.thread_id ? ` · thread ${event.thread_id}` : ''}`;
        break;
      }
      case 'node_started':
        run.steps.push({ node: event.node ?? '?', state: 'running', notes: [] });
        break;
      case 'node_finished': {
        const step = stepOf(run, event.node);
        if (step === undefined) break;
        step.state = event.data.failed ? 'failed' : event.data.interrupted ? 'paused' : 'done';
        step.ms = event.data.duration_ms;
        break;
      }
      case 'route_decided':
        for (const note of routeNotes(event.data)) addNote(run, event.node, note);
        break;
      case 'attempt_failed': {
        const { data } = event;
        addNote(run, event.node, color.red(failureNote(data)));
        // A failed call of the request graph itself fails its step; one an agent relays is a fallback inside its node.
        const step = stepOf(run, event.node);
        if (step !== undefined && data.stage === undefined && !('mid_stream' in data)) step.state = 'failed';
        break;
      }
      case 'token':
        run.chunks += 1;
        run.tail = (run.tail + event.data.text).replace(/\s+/g, ' ').slice(-60);
        break;
      case 'tool_call':
        addNote(run, event.node, `⚙ ${event.data.name} ${JSON.stringify(event.data.args)}`);
        break;
      case 'tool_result': {
        const { status, name, content } = event.data;
        const mark = status === 'success' ? color.green('✓') : color.red('✗');
        addNote(run, event.node, `${mark} ${name}: ${content.split('\n')[0] ?? ''}`);
        break;
      }
      case 'interrupt':
        addNote(run, event.node, color.yellow(`? ${event.data.question}`));
        break;
      case 'run_finished':
      case 'run_failed':
        run.end = endOf(event, run.startedAt);
        break;
    }
  }

  /** How the run ended, undefined while it runs (or before it started). */
  outcome(runId: string): RunOutcome | undefined {
    return this.runs.get(runId)?.end?.outcome;
  }

  /** The latest run and how it ended (undefined while it runs). */
  latest(): { id: string; outcome: RunOutcome | undefined } | undefined {
    const last = [...this.runs.values()].at(-1);
    return last === undefined ? undefined : { id: last.id, outcome: last.end?.outcome };
  }

  /** Every run's lines, in the order the runs started; `spinner` marks what is running. */
  lines(spinner = '▸'): TreeLine[] {
    return [...this.runs.values()].flatMap((run) => runLines(run, spinner));
  }

  private run(id: string): RunView {
    let run = this.runs.get(id);
    if (run === undefined) this.runs.set(id, (run = { id, title: '', steps: [], chunks: 0, tail: '' }));
    return run;
  }
}

function runLines(run: RunView, spinner: string): TreeLine[] {
  const ended = run.end !== undefined;
  const out: TreeLine[] = [
    { text: `${color.bold(`● run ${run.id}`)}${run.title ? ` · ${run.title}` : ''}`, final: true },
  ];
  run.steps.forEach((step, i) => {
    const final = ended || i < run.steps.length - 1;
    const ms = step.ms === undefined ? '' : color.dim(` ${duration(step.ms)}`);
    // A step whose end never came (a run that failed inside it) is not running any more once the run has ended.
    const mark = ended && step.state === 'running' ? color.dim('·') : icon(step.state, spinner);
    out.push({ text: `├─ ${mark} ${step.node}${ms}`, final });
    for (const note of step.notes) out.push({ text: `│    ${note}`, final });
  });
  if (run.chunks > 0) {
    const streamed = `streamed ${count(run.chunks, 'chunk')}`;
    out.push(
      ended
        ? { text: `├─ ${color.green('✓')} ${streamed}`, final: true }
        : { text: `├─ ${color.cyan(spinner)} ${streamed} ${color.dim(`“${run.tail}”`)}`, final: false },
    );
  }
  if (run.end !== undefined) out.push({ text: `└─ ${run.end.line}`, final: true });
  else {
    const took = run.startedAt === undefined ? '' : ` ${duration(Math.max(0, Date.now() - run.startedAt))}`;
    out.push({ text: `└─ ${color.cyan(spinner)} ${color.dim(`running${took}`)}`, final: false });
  }
  return out;
}

function icon(state: StepState, spinner: string): string {
  if (state === 'done') return color.green('✓');
  if (state === 'failed') return color.red('✗');
  if (state === 'paused') return color.yellow('◆');
  return color.cyan(spinner);
}

/** The latest step of `node` (of the run, when the event names none). */
function stepOf(run: RunView, node: string | undefined): Step | undefined {
  return node === undefined ? run.steps.at(-1) : run.steps.findLast((step) => step.node === node);
}

function addNote(run: RunView, node: string | undefined, note: string): void {
  const step = stepOf(run, node) ?? run.steps.at(-1);
  if (step === undefined) run.steps.push({ node: node ?? 'run', state: 'running', notes: [clip(note, NOTE_WIDTH)] });
  else step.notes.push(clip(note, NOTE_WIDTH));
}

function routeNotes(data: EventPayloads['route_decided']): string[] {
  const plan = data.plan.slice(0, PLAN_SHOWN).map((c) => `${c.model} ${c.score.toFixed(2)}`);
  const more = data.candidates > PLAN_SHOWN ? color.dim(` (+${data.candidates - PLAN_SHOWN})`) : '';
  const notes = [`plan (${data.mode}${data.task ? `, ${data.task}` : ''}): ${plan.join(' → ') || 'none'}${more}`];
  if (data.skipped.length > 0)
    notes.push(color.dim(`left out: ${data.skipped.map((s) => `${s.ref} (${s.reason})`).join(', ')}`));
  return notes;
}

function failureNote(data: EventPayloads['attempt_failed']): string {
  if ('rejected' in data) return `✗ ${data.model} rejected by the judge (${data.score}): ${data.reasons.join(', ')}`;
  if ('mid_stream' in data)
    return `↪ ${data.model} broke after ${count(data.sent_chars)} characters; ${data.continued_by} went on`;
  return `✗ ${data.model} ${data.kind}: ${data.message}`;
}

function endOf(
  event: RunEvent & { type: 'run_finished' | 'run_failed' },
  startedAt: number | undefined,
): RunView['end'] {
  const took = startedAt === undefined ? '' : ` · ${duration(event.ts - startedAt)}`;
  if (event.type === 'run_failed') {
    const { data } = event;
    const status = 'status' in data && data.status !== undefined ? ` ${data.status}` : '';
    return { outcome: 'failed', line: color.red(`✗ failed${status}: ${data.message ?? 'no details'}`) + took };
  }
  const { data } = event;
  if ('attempts' in data) {
    const usage = data.usage
      ? ` · ${count(data.usage.prompt_tokens)} + ${count(data.usage.completion_tokens)} tokens`
      : '';
    return {
      outcome: 'ok',
      line: `${color.green('✓ answered')} by ${data.model} · ${count(data.attempts, 'attempt')}${usage}${took}`,
    };
  }
  if (data.agent_status === 'requires_human_input') {
    const thread = event.thread_id === undefined ? '' : ` (thread ${event.thread_id})`;
    return { outcome: 'waiting', line: color.yellow(`◆ waiting for a human's answer${thread}`) + took };
  }
  const wrote = data.files_written.length > 0 ? ` · wrote ${data.files_written.join(', ')}` : '';
  return { outcome: 'ok', line: `${color.green('✓ completed')}${data.model ? ` · ${data.model}` : ''}${wrote}${took}` };
}
