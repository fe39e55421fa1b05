// A run event as a line of the agent panel: node by node, each tool call as it starts and how it ended, fallbacks,
// questions and the outcome. Events not worth a line give undefined.
import type { RunEvent } from '../gateway/types.js';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function target(args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  return str(a['filepath']) || str(a['directory_path']) || '.';
}

/** The panel line of `event`. */
export function describeEvent(event: RunEvent): string | undefined {
  const d = event.data;
  switch (event.type) {
    case 'run_started':
      return d['resume'] ? '▶ resumed' : '▶ started';
    case 'node_started':
      return event.node ? `  · ${event.node}` : undefined;
    case 'route_decided': {
      const plan = d['plan'] as { model?: string }[] | undefined;
      return plan?.[0]?.model ? `    model: ${plan[0].model}` : undefined;
    }
    case 'attempt_failed':
      return `    ${str(d['model'])} failed (${str(d['kind']) || 'rejected'}): trying another model`;
    case 'tool_call':
      return d['name'] === 'ask_human_for_input' ? undefined : `    → ${str(d['name'])} ${target(d['args'])}`;
    case 'tool_result': {
      if (d['name'] === 'ask_human_for_input') return undefined;
      const ok = d['status'] === 'success';
      const why = ok ? '' : `: ${str(d['content']).split('\n')[0]!.slice(0, 160)}`;
      return `    ${ok ? '✓' : '✗'} ${str(d['name'])}${why}`;
    }
    case 'interrupt':
      return `  ? ${d['kind'] === 'approval' ? 'waits for approval' : 'asks'}: ${str(d['question']).split('\n')[0]}`;
    case 'run_finished': {
      const files = (d['files_written'] as string[] | undefined) ?? [];
      const written = files.length > 0 ? `; files written: ${files.join(', ')}` : '';
      return `■ ${str(d['agent_status'])}${d['model'] ? ` (${str(d['model'])})` : ''}${written}`;
    }
    case 'run_failed': {
      const details = (d['error_details'] ?? {}) as { code?: string; message?: string };
      return `■ failed: ${details.message ?? str(d['message'])}${details.code ? ` (${details.code})` : ''}`;
    }
    default:
      return undefined;
  }
}
