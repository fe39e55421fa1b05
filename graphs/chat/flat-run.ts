// One run of a compiled flat machine (flat-machine.ts), step for step as xstate 5's actor runs it: the same actions
// with the same arguments in the same order, the same mailbox, the same `@xstate.microstep` inspections, the same
// output and errors. The xstate source each part follows is named in its comment.
import type { InspectionEvent } from 'xstate';
import type { FlatAction, FlatMachine, FlatState, FlatTransition } from './flat-table.js';

interface AnyEvent {
  type: string;
}
type Inspect = (event: InspectionEvent) => void;
type Args = { context: Record<string, unknown>; event: AnyEvent; self: FlatSelf };
type Call = (args: Args, params: undefined) => unknown;

/** What actions get as `self`: sending to the run (flat-machine.ts leaves functions using more of it to xstate). */
interface FlatSelf {
  send(event: AnyEvent): void;
}

/** A run: started when built (as `createActor(...).start()`), its output in `promise` (as `toPromise`). */
export class FlatRun<TOutput> {
  readonly promise: Promise<TOutput>;
  private resolve!: (output: TOutput) => void;
  private reject!: (error: unknown) => void;
  private readonly self: FlatSelf = { send: (event) => this.send(event) };
  private context: Record<string, unknown> = {};
  private state: FlatState;
  private status: 'active' | 'done' | 'error' = 'active';
  private output: unknown;
  /** The mailbox: events sent while a macrostep runs (or before the start ends) wait for it to end. */
  private readonly queue: AnyEvent[] = [];
  private processing = true;
  /** Plain actions xstate defers while it computes the initial state (the actor is not running yet). */
  private deferred: (() => void)[] | undefined = [];

  constructor(
    private readonly machine: FlatMachine,
    input: unknown,
    private readonly inspect: Inspect | undefined,
  ) {
    this.promise = new Promise<TOutput>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.state = machine.initial;
    inspect?.({ type: '@xstate.actor', actorRef: this.self } as unknown as InspectionEvent);
    this.start(input);
  }

  /** xstate's getInitialSnapshot (context, initial microstep, eventless steps), then Actor.start's update and mailbox. */
  private start(input: unknown): void {
    const init = { type: 'xstate.init', input };
    try {
      const { context } = this.machine;
      // _getPreInitialState: a context function is an assign of what it returns onto {}.
      this.context =
        typeof context === 'function'
          ? Object.assign({}, (context as Call)({ input, self: this.self } as unknown as Args, undefined))
          : context
            ? (context as Record<string, unknown>)
            : {};
      // initialMicrostep: the initial state is entered without an inspection of its own.
      this.enter(this.machine.initial, init);
      this.settle(init);
    } catch (error) {
      this.fail(error);
      return;
    }
    const deferred = this.deferred!;
    this.deferred = undefined;
    for (const action of deferred) {
      try {
        action();
      } catch (error) {
        this.fail(error);
        return;
      }
    }
    if (this.status === 'done') {
      this.complete();
      return;
    }
    this.flush();
    this.processing = false;
  }

  /** Actor.send → Mailbox.enqueue: dropped once the run ended, queued while one is processed. */
  private send(event: AnyEvent): void {
    if (this.status !== 'active') return;
    this.queue.push(event);
    if (this.processing) return;
    this.processing = true;
    this.flush();
    this.processing = false;
  }

  private flush(): void {
    while (this.status === 'active' && this.queue.length > 0) this.process(this.queue.shift()!);
  }

  /** Actor._process: the macrostep, then done (the output) or an error (the actor stops either way). */
  private process(event: AnyEvent): void {
    try {
      this.macrostep(event);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.status === 'done') this.complete();
  }

  /** macrostep: the event's transition (a microstep even when none is enabled), then the eventless ones. */
  private macrostep(event: AnyEvent): void {
    const transition = this.select(event);
    if (transition !== undefined) this.microstep(transition, event);
    this.inspectStep(event, transition);
    this.settle(event);
  }

  /** macrostep's loop: the first enabled eventless transition, until none is or the run is done. */
  private settle(event: AnyEvent): void {
    while (this.status === 'active') {
      const transition = this.eventless(event);
      if (transition === undefined) return;
      this.microstep(transition, event);
      this.inspectStep(event, transition);
    }
  }

  /** StateNode.next: the first candidate for the event's type whose guard passes; a throwing guard named. */
  private select(event: AnyEvent): FlatTransition | undefined {
    const candidates = this.state.on.get(event.type);
    if (candidates === undefined) return undefined;
    for (const candidate of candidates) {
      const { guard } = candidate;
      if (guard === undefined) return candidate;
      let passed: unknown;
      try {
        passed = guard.check({ context: this.context, event } as never, undefined as never);
      } catch (err) {
        const name = guard.name === undefined ? '' : `'${guard.name}' `;
        throw new Error(
          `Unable to evaluate guard ${name}in transition for event '${event.type}' in state node '${this.state.id}':\n${(err as Error).message}`,
        );
      }
      if (passed) return candidate;
    }
    return undefined;
  }

  /** selectEventlessTransitions: the state's first `always` transition whose guard passes. */
  private eventless(event: AnyEvent): FlatTransition | undefined {
    for (const candidate of this.state.always) {
      const { guard } = candidate;
      if (guard === undefined || guard.check({ context: this.context, event } as never, undefined as never)) {
        return candidate;
      }
    }
    return undefined;
  }

  /** microstep: exit actions, the transition's actions, then the target entered. */
  private microstep(transition: FlatTransition, event: AnyEvent): void {
    this.run(this.state.exit, event);
    this.run(transition.actions, event);
    this.enter(transition.target, event);
  }

  /** enterStates: entry actions; a final state makes the run done with the machine's output, then exits it. */
  private enter(state: FlatState, event: AnyEvent): void {
    this.state = state;
    this.run(state.entry, event);
    if (!state.final) return;
    this.status = 'done';
    const { output } = this.machine;
    // getMachineOutput: the machine's output reads the done event of the final state (no output of its own).
    const done = { type: state.doneType, output: undefined };
    this.output =
      typeof output === 'function'
        ? (output as Call)({ context: this.context, event: done, self: this.self }, undefined)
        : output;
    this.run(state.exit, event);
  }

  /**
   * resolveAndExecuteActionsWithContext: an assign makes a new context of the old and what it returns (resolveAssign);
   * a plain action runs at once while the run is active, after the start while the initial state is computed.
   */
  private run(actions: FlatAction[], event: AnyEvent): void {
    for (const action of actions) {
      const args: Args = { context: this.context, event, self: this.self };
      if (action.kind === 'exec') {
        const exec = action.exec as Call;
        if (this.deferred === undefined) exec(args, undefined);
        else this.deferred.push(() => exec(args, undefined));
        continue;
      }
      const { assignment } = action;
      let update: unknown;
      if (typeof assignment === 'function') update = (assignment as Call)(args, undefined);
      else {
        const partial: Record<string, unknown> = {};
        for (const key of Object.keys(assignment)) {
          const value = assignment[key];
          partial[key] = typeof value === 'function' ? (value as Call)(args, undefined) : value;
        }
        update = partial;
      }
      this.context = Object.assign({}, this.context, update);
    }
  }

  /** The `@xstate.microstep` inspection (macrostep's addMicrostep): the snapshot after the step. */
  private inspectStep(event: AnyEvent, transition: FlatTransition | undefined): void {
    if (this.inspect === undefined) return;
    const snapshot = { status: this.status, value: this.state.key, context: this.context, output: this.output };
    const _transitions = transition === undefined ? [] : [transition.definition];
    this.inspect({ type: '@xstate.microstep', actorRef: this.self, event, snapshot, _transitions } as never);
  }

  /** Actor.update on a done snapshot: the mailbox cleared, toPromise resolved with the output. */
  private complete(): void {
    this.queue.length = 0;
    this.resolve(this.output as TOutput);
  }

  /** Actor._error: the run stops and its promise rejects (observed from the start, as xstateRunner's actor is). */
  private fail(error: unknown): void {
    this.status = 'error';
    this.queue.length = 0;
    this.reject(error);
  }
}
