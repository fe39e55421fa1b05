// End to end: every fault a provider can show (test/e2e/fault-cases.ts), streamed or not, with a healthy
// alternative or alone. With one, every request is answered, in the time the failure policy allows; alone, the client
// gets the policy's error status in OpenAI's error body, with nothing secret in it. WRITE_RELIABILITY=1 also writes
// the outcome table to docs/RELIABILITY.md.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, FAULTY_KEY, HEALTHY_TEXT, MARGIN_MS, TIMEOUTS, type Fault } from './fault-cases.js';
import { runCell, type Outcome } from './fault-harness.js';

/** Cells that show a gap in the gateway, by `fault name|stream|alt`, with the reason; listed in docs/RELIABILITY.md. */
const KNOWN_GAPS: Record<string, string> = {};

const results = new Map<string, Outcome>();
const cellKey = (fault: Fault, stream: boolean, alt: boolean) => `${fault.name}|${stream}|${alt}`;

// The first request through a fresh process loads what the gateway imports lazily: not a cost of any fault.
beforeAll(async () => {
  await runCell(FAULTS.find((f) => f.name.startsWith('slow'))!, false, false);
});

describe.concurrent('fault matrix', () => {
  for (const fault of FAULTS) {
    for (const stream of [false, true]) {
      for (const alt of [true, false]) {
        const key = cellKey(fault, stream, alt);
        const title = `${fault.name}, ${stream ? 'stream' : 'non-stream'}, ${alt ? 'healthy alternative' : 'alone'}`;
        const test = KNOWN_GAPS[key] ? it.fails : it;
        test(title, async () => {
          const outcome = await runCell(fault, stream, alt);
          results.set(key, outcome);
          check(fault, stream, alt, outcome);
        });
      }
    }
  }
});

function check(fault: Fault, stream: boolean, alt: boolean, o: Outcome): void {
  expect(o.ms).toBeLessThan(fault.costMs(stream) + MARGIN_MS);
  // An open circuit is not called at all; every other fault is met by calling the provider.
  if (fault.warmups) expect(o.faultyCalls).toBe(0);
  else expect(o.faultyCalls).toBeGreaterThan(0);
  expect(o.afterFinish).toBe(false);
  const expected = alt ? fault.withAlt(stream) : fault.alone(stream);
  if (expected === 'healthy' || expected === 'self' || expected === 'continued') {
    expect(o.status).toBe(200);
    expect(o.midStreamError).toBe(false);
    if (expected === 'healthy') expect(o.text).toBe(HEALTHY_TEXT);
    if (expected === 'self') expect(o.text).toBe('faulty says hi');
    if (expected === 'continued') expect(o.text).toMatch(new RegExp(`^faulty .*${HEALTHY_TEXT}$`));
    return;
  }
  expect(o.errorText).not.toContain(FAULTY_KEY);
  expect(o.errorText).not.toMatch(/\n\s+at /);
  if (expected === 'mid-stream-error') {
    expect(o.status).toBe(200);
    expect(o.midStreamError).toBe(true);
    expect(o.text).toBe('faulty ');
    return;
  }
  expect(o.status).toBe(expected.status);
  expect(o.error?.code).toBe(expected.code);
  expect(o.error?.message).toEqual(expect.any(String));
  if (expected.status === 429 || expected.status === 503) expect(Number(o.retryAfter)).toBeGreaterThan(0);
}

afterAll(() => {
  if (process.env['WRITE_RELIABILITY'] === '1') writeFileSync('docs/RELIABILITY.md', reliabilityDoc());
});

function reliabilityDoc(): string {
  const rows = FAULTS.flatMap((fault) =>
    [false, true].flatMap((stream) =>
      [true, false].map((alt) => {
        const o = results.get(cellKey(fault, stream, alt));
        const gap = KNOWN_GAPS[cellKey(fault, stream, alt)];
        const cells = [fault.name, stream ? 'stream' : 'non-stream', alt ? 'present' : 'absent'];
        if (!o) return `| ${cells.join(' | ')} | not run | | | |`;
        const by = `${o.servedBy ?? '?'}${alt && fault.withAlt(stream) === 'continued' ? ', continued by healthy' : ''}`;
        const answered = o.status === 200 && !o.midStreamError ? `yes (${by})` : 'no';
        const status = o.midStreamError ? `200, then error event \`${o.error?.code}\`` : errorStatus(o);
        const bound = fault.costMs(stream) + MARGIN_MS;
        return `| ${cells.join(' | ')} | ${answered} | ${status} | ${Math.round(o.ms)} (< ${bound}) | ${gap ?? ''} |`;
      }),
    ),
  );
  return `# Reliability: the fault matrix

What a client gets when a provider misbehaves, for each fault a provider can show, streamed or not, with a healthy
alternative (\`models: [healthy]\` after the faulty model) or with the faulty provider alone. Each cell is one request
through the official \`openai\` client (\`maxRetries: 0\`) to a gateway of its own, in front of fake providers
(\`test/fakes/\`) that show the fault on every call.

Made by \`test/e2e/fault-matrix.test.ts\` (cases in \`test/e2e/fault-cases.ts\`), which asserts what the failure
policy (docs/ROUTING.md) promises for each cell: with a healthy alternative, answered (200, the healthy provider's
text, or the faulty one's own when its answer was whole: a slow one, a stream finished before its silence; nothing
after \`finish_reason\`), within the time the policy allows; alone, the policy's status in OpenAI's error body (no stack, no key), with
\`Retry-After\` on 429 and 503. Regenerate this file with:

\`\`\`sh
WRITE_RELIABILITY=1 npx vitest run test/e2e/fault-matrix.test.ts
\`\`\`

Timeouts in that run: connect ${TIMEOUTS.connectMs} ms, first byte ${TIMEOUTS.firstByteMs} ms, idle ${TIMEOUTS.idleMs} ms.
Time to answer is from the request to the end of the answer, measured on a shared machine with the cells running
concurrently, so it varies from run to run; the bound in brackets is the one the test asserts: the wait the fault
trips by policy plus a margin of twice the sum of the timeouts (${MARGIN_MS} ms).

| fault | mode | healthy alternative | answered (by) | status / error | time to answer, ms (bound) | known gap |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Reading the table:

- A 429 with no \`Retry-After\` from the provider still gets one: the time the key rests (\`accounts.rateLimitCooldownMs\`,
  2 s in this run).
- A stream that breaks after its first words is continued by the next model under the same answer (mid-stream
  failover, docs/ROUTING.md), so \`x-switchboard-model\` (sent with the first chunk) names the model that started it,
  and the \`model\` of the chunks after the break, the run record and the request log the one that finished it; alone,
  the stream ends with an OpenAI error event, never a silent cut.
- A stream that went silent after its \`finish_reason\` is a whole answer and is sent as it is, after a short wait for
  the rest (a second, or \`timeouts.idleMs\` if shorter). A non-streamed body that is whole (it parses) but whose
  response never ends is answered at once: JSON never parses before it is whole, so there is nothing to wait for. The
  first-byte timeout stops counting at the response head, and the idle timeout only trips on a body still incomplete.
- An answer with no choices, or one whose only choice has nothing in it (no text, tool call or refusal) and says it
  stopped, is no answer: the next model is tried, and alone the client gets the 502 a failed model gives, streamed or
  not (the stream is held until its first content, so nothing was sent yet), never a 200 with nothing in it.
- Slow providers within the timeouts answer themselves: slowness is not a failure.
- A provider's own 503 with a \`Retry-After\` is an overload (the failure policy's \`overloaded\`): the next model is
  tried, and when none is left the client gets 503 \`upstream_overloaded\` with that \`Retry-After\` (the soonest any
  candidate can serve). The gateway's 503 \`provider_unavailable\` comes once the provider's circuit is open
  (\`accounts.breakerMinCalls\` 2 and \`breakerMinRequests\` 2 in this run), with the circuit's cooldown left as
  \`Retry-After\`, and no call is made.
${gapList()}`;
}

function gapList(): string {
  const gaps = Object.entries(KNOWN_GAPS).map(([key, why]) => {
    const [fault, stream, alt] = key.split('|');
    return `- **${fault}, ${stream === 'true' ? 'stream' : 'non-stream'}, ${alt === 'true' ? 'with' : 'without'} a healthy alternative**: ${why}.`;
  });
  return gaps.length
    ? `\n## Known gaps\n\nThe test expects these cells to fail until they are fixed.\n\n${gaps.join('\n')}\n`
    : '';
}

function errorStatus(o: Outcome): string {
  if (o.status === 200) return '200';
  const retry = o.retryAfter ? `, Retry-After ${o.retryAfter}` : '';
  return `${o.status} \`${o.error?.code ?? '?'}\`${retry}`;
}
