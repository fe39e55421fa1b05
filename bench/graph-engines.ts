// Micro-benchmark of the two graph engines: CPU per run of the request flow (classify → route → call → judge)
// as a LangGraph StateGraph and as an xstate v5 actor, plus chains of 1, 2, 4, 8 trivial nodes to fit
// fixed + per-step cost. Checks the figures DESIGN.md gives for choosing xstate on the hot path.
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';

export type Engine = 'langgraph' | 'xstate' | 'plain';

export interface EngineRow {
  engine: Engine;
  /** "flow" (the 4-node request flow) or "chain" (n trivial synchronous nodes). */
  flow: 'flow' | 'chain';
  nodes: number;
  /** Median over the rounds. */
  cpuUsPerRun: number;
  /** Lowest round: the least disturbed by other work on the machine. */
  cpuUsMin: number;
  wallUsPerRun: number;
}

export interface EngineFit {
  engine: 'langgraph' | 'xstate';
  fixedUs: number;
  perStepUs: number;
  r2: number;
}

export interface GraphBenchResult {
  runs: number;
  warmup: number;
  rounds: number;
  rows: EngineRow[];
  fits: EngineFit[];
}

export interface GraphBenchOptions {
  /** Measured runs per case, split over `rounds`. */
  runs?: number;
  warmup?: number;
  /** Cases are measured round-robin in this many rounds, so a burst of other work hits them all alike. */
  rounds?: number;
}

type Invoke = () => Promise<unknown>;

// ---- LangGraph ----

const FlowState = Annotation.Root({
  input: Annotation<string>,
  task: Annotation<string>,
  model: Annotation<string>,
  answer: Annotation<string>,
  score: Annotation<number>,
});

function langgraphFlow(): Invoke {
  const graph = new StateGraph(FlowState)
    .addNode('classify', (s) => ({ task: s.input.includes('code') ? 'code' : 'chat' }))
    .addNode('route', (s) => ({ model: s.task === 'code' ? 'bench/coder' : 'bench/chat' }))
    .addNode('call', async (s) => ({ answer: await Promise.resolve(`answer from ${s.model}`) }))
    .addNode('judge', (s) => ({ score: s.answer.length > 0 ? 1 : 0 }))
    .addEdge(START, 'classify')
    .addEdge('classify', 'route')
    .addEdge('route', 'call')
    .addEdge('call', 'judge')
    .addEdge('judge', END)
    .compile();
  return () => graph.invoke({ input: 'write some code for me' });
}

const ChainState = Annotation.Root({ count: Annotation<number> });
type ChainValue = { count: number };

/** The builder methods used with node names made in a loop, which StateGraph's literal-name types cannot follow. */
interface LooseGraphBuilder {
  addNode(name: string, fn: (s: ChainValue) => ChainValue): LooseGraphBuilder;
  addEdge(from: string, to: string): LooseGraphBuilder;
  compile(): { invoke(input: ChainValue): Promise<ChainValue> };
}

function langgraphChain(n: number): Invoke {
  const builder = new StateGraph(ChainState) as unknown as LooseGraphBuilder;
  for (let i = 0; i < n; i++) builder.addNode(`n${i}`, (s) => ({ count: s.count + 1 }));
  builder.addEdge(START, 'n0');
  for (let i = 1; i < n; i++) builder.addEdge(`n${i - 1}`, `n${i}`);
  builder.addEdge(`n${n - 1}`, END);
  const graph = builder.compile();
  return async () => {
    const out = await graph.invoke({ count: 0 });
    if (out.count !== n) throw new Error(`langgraph chain ran ${out.count} of ${n} nodes`);
  };
}

// ---- xstate ----

interface FlowContext {
  input: string;
  task: string;
  model: string;
  answer: string;
  score: number;
}

const flowMachine = setup({
  types: { context: {} as FlowContext, input: {} as { input: string }, output: {} as FlowContext },
  actors: {
    callModel: fromPromise<string, { model: string }>(async ({ input }) =>
      Promise.resolve(`answer from ${input.model}`),
    ),
  },
  actions: {
    classify: assign({ task: ({ context }) => (context.input.includes('code') ? 'code' : 'chat') }),
    route: assign({ model: ({ context }) => (context.task === 'code' ? 'bench/coder' : 'bench/chat') }),
    judge: assign({ score: ({ context }) => (context.answer.length > 0 ? 1 : 0) }),
  },
}).createMachine({
  id: 'flow',
  context: ({ input }) => ({ input: input.input, task: '', model: '', answer: '', score: 0 }),
  initial: 'classify',
  states: {
    classify: { entry: 'classify', always: 'route' },
    route: { entry: 'route', always: 'call' },
    call: {
      invoke: {
        src: 'callModel',
        input: ({ context }) => ({ model: context.model }),
        onDone: { target: 'judge', actions: assign({ answer: ({ event }) => event.output }) },
      },
    },
    judge: { entry: 'judge', always: 'done' },
    done: { type: 'final' },
  },
  output: ({ context }) => context,
});

function xstateFlow(): Invoke {
  return async () => {
    const actor = createActor(flowMachine, { input: { input: 'write some code for me' } });
    actor.start();
    const out = await toPromise(actor);
    if (out.score !== 1) throw new Error('xstate flow did not reach judge');
  };
}

function xstateChain(n: number): Invoke {
  const states: Record<string, object> = {};
  for (let i = 0; i < n; i++) states[`n${i}`] = { entry: 'step', always: i === n - 1 ? 'done' : `n${i + 1}` };
  states.done = { type: 'final' };
  const machine = setup({
    types: { context: {} as ChainValue, output: {} as ChainValue },
    actions: { step: assign({ count: ({ context }) => context.count + 1 }) },
  }).createMachine({
    id: 'chain',
    context: { count: 0 },
    initial: 'n0',
    // Node names made in a loop: the config is checked at run time (the count assertion below).
    states: states as never,
    output: ({ context }) => context,
  });
  return async () => {
    const actor = createActor(machine);
    actor.start();
    const out = await toPromise(actor);
    if (out.count !== n) throw new Error(`xstate chain ran ${out.count} of ${n} states`);
  };
}

// ---- plain code, the floor ----

/** The same flow as plain async code: what either engine costs on top of the work itself. */
function plainFlow(): Invoke {
  return async () => {
    const s: FlowContext = { input: 'write some code for me', task: '', model: '', answer: '', score: 0 };
    s.task = s.input.includes('code') ? 'code' : 'chat';
    s.model = s.task === 'code' ? 'bench/coder' : 'bench/chat';
    s.answer = await Promise.resolve(`answer from ${s.model}`);
    s.score = s.answer.length > 0 ? 1 : 0;
    if (s.score !== 1) throw new Error('plain flow failed');
  };
}

// ---- measuring ----

/** CPU (user + system, all threads of this process) and wall time per run. */
async function measure(fn: Invoke, runs: number): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const wallUs = ((performance.now() - t0) * 1000) / runs;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / runs, wallUs };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Least-squares line y = fixed + perStep·x, with R². */
export function fitLine(points: Array<{ x: number; y: number }>): { fixed: number; perStep: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
  }
  const perStep = sxx === 0 ? 0 : sxy / sxx;
  const fixed = my - perStep * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { fixed, perStep, r2 };
}

export const CHAIN_SIZES = [1, 2, 4, 8] as const;

/** Runs every case; `log` gets a line per case once it is measured. */
export async function runGraphBench(
  opts: GraphBenchOptions = {},
  log: (line: string) => void = () => undefined,
): Promise<GraphBenchResult> {
  const runs = opts.runs ?? 2_000;
  const warmup = opts.warmup ?? 500;
  const rounds = opts.rounds ?? 5;
  const perRound = Math.max(1, Math.round(runs / rounds));
  const cases: Array<{ engine: Engine; flow: EngineRow['flow']; nodes: number; make: () => Invoke }> = [
    { engine: 'langgraph', flow: 'flow', nodes: 4, make: langgraphFlow },
    { engine: 'xstate', flow: 'flow', nodes: 4, make: xstateFlow },
    { engine: 'plain', flow: 'flow', nodes: 4, make: plainFlow },
    ...CHAIN_SIZES.map((n) => ({
      engine: 'langgraph' as const,
      flow: 'chain' as const,
      nodes: n,
      make: () => langgraphChain(n),
    })),
    ...CHAIN_SIZES.map((n) => ({
      engine: 'xstate' as const,
      flow: 'chain' as const,
      nodes: n,
      make: () => xstateChain(n),
    })),
  ];
  const fns = cases.map((c) => c.make());
  for (const fn of fns) for (let i = 0; i < warmup; i++) await fn();
  const cpu: number[][] = cases.map(() => []);
  const wall: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, fn] of fns.entries()) {
      (globalThis as { gc?: () => void }).gc?.();
      const m = await measure(fn, perRound);
      cpu[i]?.push(m.cpuUs);
      wall[i]?.push(m.wallUs);
    }
  }
  const rows: EngineRow[] = cases.map((c, i) => {
    const row: EngineRow = {
      engine: c.engine,
      flow: c.flow,
      nodes: c.nodes,
      cpuUsPerRun: median(cpu[i] ?? []),
      cpuUsMin: Math.min(...(cpu[i] ?? [])),
      wallUsPerRun: median(wall[i] ?? []),
    };
    log(
      `  ${c.engine} ${c.flow} ${c.nodes}: ${row.cpuUsPerRun.toFixed(1)} µs CPU/run (min ${row.cpuUsMin.toFixed(1)})`,
    );
    return row;
  });
  const fits: EngineFit[] = (['langgraph', 'xstate'] as const).map((engine) => {
    const pts = rows
      .filter((r) => r.engine === engine && r.flow === 'chain')
      .map((r) => ({ x: r.nodes, y: r.cpuUsPerRun }));
    const { fixed, perStep, r2 } = fitLine(pts);
    return { engine, fixedUs: fixed, perStepUs: perStep, r2 };
  });
  return { runs: perRound * rounds, warmup, rounds, rows, fits };
}
