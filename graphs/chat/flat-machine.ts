// Compiles a flat xstate machine (atomic and final states under the root) into a table the flat runner steps through.
//
// Why by hand: the request statechart (machine.ts) stays xstate's (its config, named actions and guards, `provide` in
// tests), but xstate's generic interpreter (createActor, getInitialSnapshot, microstep, enterStates,
// getTransitionDomain, computeExitSet, cloneMachineSnapshot…) took ~11 % of the gateway's CPU under load (issue 20),
// for a machine with no nesting, parallel states, delays or invoked actors. No library runs an xstate machine other
// than xstate. For such a machine each microstep reduces to: exit the state, run the transition's actions, enter the
// target (its entry actions; a final state ends the run with the machine's output). flat-run.ts does exactly that:
// ~100 µs less CPU per request than xstate's actor, 1.3 % of the gateway's CPU instead of 11 %, 18 % fewer
// instructions per request (docs/BENCHMARKS.md, "The flat runner"). Anything else the machine uses makes `runnerFor`
// fall back to xstate's own actor, so the statechart can grow safely.
import { assign, createActor, toPromise, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { FlatRun } from './flat-run.js';
import type { Fn, FlatAction, FlatGuard, FlatMachine, FlatState, FlatTransition } from './flat-table.js';

/** Runs one input through a machine to its output; `inspect` gets xstate's inspection events (see flat-run.ts). */
export type MachineRun<TInput, TOutput> = (
  input: TInput,
  inspect?: (event: InspectionEvent) => void,
) => Promise<TOutput>;

// xstate marks its built-in actions by a `resolve` function; an assign's is shared by every assign.
const ASSIGN_RESOLVE = (assign(() => ({})) as unknown as { resolve: unknown }).resolve;

/** Thrown while compiling: the machine uses something the flat runner does not do. */
class Unsupported extends Error {}

/**
 * The cheapest exact way to run `machine`: the flat runner when the machine is flat and uses only what it supports,
 * else xstate's own actor (`createActor(...).start()`, `toPromise`).
 */
export function runnerFor<TInput, TOutput>(machine: AnyStateMachine): MachineRun<TInput, TOutput> {
  return compileFlatMachine<TInput, TOutput>(machine) ?? xstateRunner<TInput, TOutput>(machine);
}

/**
 * xstate's own actor for `machine`, observed before it starts: an error in its first step (a throwing classify or
 * route) then rejects the run, where `toPromise(actor.start())` would also have xstate rethrow it from a timer, which
 * takes the gateway down.
 */
export function xstateRunner<TInput, TOutput>(machine: AnyStateMachine): MachineRun<TInput, TOutput> {
  return (input, inspect) => {
    const actor = createActor(machine, inspect ? { input, inspect } : { input });
    const output = toPromise(actor) as Promise<TOutput>;
    actor.start();
    return output;
  };
}

/** The flat runner for `machine`, or undefined when the machine uses anything it does not support. */
export function compileFlatMachine<TInput, TOutput>(machine: AnyStateMachine): MachineRun<TInput, TOutput> | undefined {
  let table: FlatMachine;
  try {
    table = compile(machine);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return (input, inspect) => new FlatRun<TOutput>(table, input, inspect).promise;
}

// A state node as xstate normalises it (the fields read here are public on xstate's StateNode).
interface Node {
  key: string;
  id: string;
  type: string;
  parent?: Node;
  states: Record<string, Node>;
  entry: unknown[];
  exit: unknown[];
  invoke: unknown[];
  after: unknown[];
  always?: Transition[];
  transitions: Map<string, Transition[]>;
  initial: { target: Node[]; actions: unknown[] };
  output?: unknown;
}
interface Transition {
  target: Node[] | undefined;
  guard?: unknown;
  actions: unknown[];
}

function compile(machine: AnyStateMachine): FlatMachine {
  const root = machine.root as unknown as Node;
  const implementations = machine.implementations as {
    actions: Record<string, unknown>;
    guards: Record<string, unknown>;
  };
  const options = (machine as unknown as { options: { maxIterations: number } }).options;
  need(options.maxIterations === Infinity, 'maxIterations');
  need(isBare(root) && root.type === 'compound' && root.initial.actions.length === 0, 'the root');
  const states = new Map<Node, FlatState>();
  for (const node of Object.values(root.states)) {
    need(isBare(node) && (node.type === 'atomic' || node.type === 'final'), `state ${node.id}`);
    need(node.type !== 'final' || node.output === undefined, `final state ${node.id}'s output`);
    states.set(node, {
      key: node.key,
      id: node.id,
      final: node.type === 'final',
      doneType: `xstate.done.state.${node.id}`,
      entry: [],
      exit: [],
      always: [],
      on: new Map(),
    });
  }
  const action = (a: unknown): FlatAction => actionOf(a, implementations.actions);
  const transition = (t: Transition, source: Node): FlatTransition => {
    const target = t.target?.length === 1 ? states.get(t.target[0]!) : undefined;
    // A transition to its own state (re-entered or not) or to none is xstate's to run.
    need(target !== undefined && t.target![0] !== source, `a transition of ${source.id}`);
    return { guard: guardOf(t.guard, implementations.guards), actions: t.actions.map(action), target, definition: t };
  };
  for (const [node, state] of states) {
    state.entry = node.entry.map(action);
    state.exit = node.exit.map(action);
    state.always = (node.always ?? []).map((t) => transition(t, node));
    for (const [descriptor, transitions] of node.transitions) {
      // Wildcards match several events, and xstate.* events are its own (done, error, after…).
      need(!descriptor.includes('*') && !descriptor.startsWith('xstate.'), `event ${descriptor} of ${node.id}`);
      state.on.set(
        descriptor,
        transitions.map((t) => transition(t, node)),
      );
    }
    need(!state.final || (state.always.length === 0 && state.on.size === 0), `final state ${node.id}'s transitions`);
  }
  const initial = root.initial.target.length === 1 ? states.get(root.initial.target[0]!) : undefined;
  need(initial !== undefined, 'the initial state');
  const { context } = machine.config as { context?: unknown };
  need(typeof context !== 'function' || argsKnown(context as Fn), 'the context function');
  need(typeof root.output !== 'function' || argsKnown(root.output as Fn), 'the output function');
  return { initial, context, output: root.output };
}

/** No entry or exit actions, no children, invoked actors, delays, event or eventless transitions of its own. */
function isBare(node: Node): boolean {
  const own = node.parent === undefined;
  return (
    node.invoke.length === 0 &&
    node.after.length === 0 &&
    (own ? node.entry.length === 0 && node.exit.length === 0 : Object.keys(node.states).length === 0) &&
    (own ? node.transitions.size === 0 && (node.always ?? []).length === 0 : true)
  );
}

function actionOf(action: unknown, named: Record<string, unknown>): FlatAction {
  const resolved = typeof action === 'string' ? named[action] : action;
  need(typeof resolved === 'function', `action ${String(action)}`);
  const fn = resolved as Fn & { resolve?: unknown; assignment?: Fn | Record<string, unknown> };
  if (!('resolve' in fn)) {
    need(argsKnown(fn), `what action ${String(action)} reads`);
    return { kind: 'exec', exec: fn };
  }
  // Of xstate's built-in actions (raise, sendTo, enqueueActions…), only assign.
  const { assignment } = fn;
  need(fn.resolve === ASSIGN_RESOLVE && assignment !== undefined, `action ${String(action)}`);
  const assigners = typeof assignment === 'function' ? [assignment] : Object.values(assignment);
  need(
    assigners.every((a) => typeof a !== 'function' || argsKnown(a as Fn)),
    `what action ${String(action)} reads`,
  );
  return { kind: 'assign', assignment };
}

function guardOf(guard: unknown, named: Record<string, unknown>): FlatGuard | undefined {
  if (guard === undefined) return undefined;
  const resolved = typeof guard === 'string' ? named[guard] : guard;
  // Built-in guards (and, or, not, stateIn) have a `check`; parameterised ones are objects.
  need(typeof resolved === 'function' && !('check' in resolved), `guard ${String(guard)}`);
  return { name: typeof guard === 'string' ? guard : undefined, check: resolved as Fn };
}

/**
 * Whether a function uses only what the runner passes: `context`, `event`, `input`, and `self` to send to the run.
 * xstate also passes `spawn` and `system`, and its `self` is a whole actor: a function naming them, or using `self`
 * other than as `self.send` (or destructured), is left to xstate. Read from the function's source, which the build
 * (tsc, no minifier) keeps.
 */
function argsKnown(fn: Fn): boolean {
  const source = Function.prototype.toString.call(fn);
  return !/\b(?:spawn|system)\b/.test(source) && !/\bself\b(?!\s*(?:\.\s*send\b|[,}]))/.test(source);
}

function need(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Unsupported(`the flat runner does not support ${what}`);
}
