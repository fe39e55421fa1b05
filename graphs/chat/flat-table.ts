// The table flat-machine.ts compiles a flat xstate machine into, and flat-run.ts steps through.

export type Fn = (...args: never[]) => unknown;

/** An action as xstate would run it: an `assign` (its assignment applied to the context) or a plain function. */
export type FlatAction = { kind: 'assign'; assignment: Fn | Record<string, unknown> } | { kind: 'exec'; exec: Fn };

/** A guard: its name (for xstate's error message when it throws) and its function. */
export interface FlatGuard {
  name: string | undefined;
  check: Fn;
}

export interface FlatTransition {
  guard: FlatGuard | undefined;
  actions: FlatAction[];
  target: FlatState;
  /** xstate's own transition definition, passed on in the inspection's `_transitions`. */
  definition: unknown;
}

export interface FlatState {
  key: string;
  /** The state node's id (`chat.call`): xstate names it when a guard throws. */
  id: string;
  final: boolean;
  /** A final state's done event type (`xstate.done.state.chat.done`), built once. */
  doneType: string;
  entry: FlatAction[];
  exit: FlatAction[];
  always: FlatTransition[];
  on: Map<string, FlatTransition[]>;
}

export interface FlatMachine {
  initial: FlatState;
  /** The machine's `context`: a function of `{ input, self }`, an object, or absent. */
  context: unknown;
  output: unknown;
}
