// Puts the built-in prototypes back in V8's fast mode when a library left one slow (ioredis's `extends String` does).

/** The prototypes whose methods the gateway's hot paths call (strings most of all: every chunk is parsed and sliced). */
const HOT_PROTOTYPES: readonly object[] = [
  String.prototype,
  Array.prototype,
  Object.prototype,
  Function.prototype,
  Number.prototype,
  Promise.prototype,
  Map.prototype,
  Set.prototype,
  Uint8Array.prototype,
];

/** Loads enough for the probe's load site to get V8's feedback (the first few calls of a function run without). */
const PROBE_LOADS = 64;

/**
 * Makes each of the hot built-in prototypes a fast-mode object again, and keeps it so.
 *
 * Why this exists: a class that extends a built-in (`class VerbatimString extends String`, in ioredis, which the
 * gateway loads for its Redis stores) makes V8 turn that built-in's prototype into a dictionary ("setup mode": it
 * expects properties to be added). V8 turns a prototype back to fast mode on a property load through it from an
 * object, but a method call on a string primitive (`text.slice(…)`) never does that. So every optimised function
 * that calls a string method would load it with a generic lookup instead of a constant: measured on a relayed stream,
 * six such lookups per chunk in the relay alone (docs/BENCHMARKS.md, "String.prototype in dictionary mode"). No
 * library does this; V8 has no public switch for it.
 *
 * How: a property load, with feedback, from an object whose prototype is the built-in's prototype is what makes V8
 * turn it fast and mark it to stay fast (a later `extends` no longer turns it slow). Run it after the gateway's
 * modules are loaded; it costs microseconds. test/unit/fast-prototypes.test.ts checks the effect with V8's own
 * `%HasFastProperties`.
 */
export function restoreFastPrototypes(): void {
  for (const prototype of HOT_PROTOTYPES) {
    const probe: unknown = Object.create(prototype);
    for (let load = 0; load < PROBE_LOADS; load++) loadAbsent(probe);
  }
}

/** A property load that no prototype answers, so that V8's load follows the whole prototype chain of `object`. */
function loadAbsent(object: unknown): unknown {
  return (object as { switchboardProbe?: unknown }).switchboardProbe;
}
