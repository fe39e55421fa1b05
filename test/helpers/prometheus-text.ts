// A strict parser of Prometheus' text exposition format (0.0.4), for tests: prom-client has none of its own.
// Every sample line must be `name{labels} value [timestamp]`, and belong to a family declared by # HELP and # TYPE.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help?: string;
  type?: MetricType;
  samples: Sample[];
}

export interface Exposition {
  families: Map<string, Family>;
  /** Every sample named `name` whose labels include `labels`. */
  samples(name: string, labels?: Record<string, string>): Sample[];
  /** The value of the one sample named `name` with those labels; undefined when there is none, throws when several. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABEL = `${LABEL_NAME}=${LABEL_VALUE}`;
// Values are read as Go's ParseFloat reads them: NaN and Inf in any case (prom-client writes `Nan`).
const CI = (word: string) => [...word].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('');
const FLOAT = `[+-]?(?:${CI('inf')}(?:${CI('inity')})?|${CI('nan')}|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}(?:,${LABEL})*,?)?)\\})? (${FLOAT})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_PAIR = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g');
const SUFFIXES: Record<MetricType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Parses an exposition; throws with the line number on the first line that breaks the format. */
export function parsePrometheusText(text: string): Exposition {
  const families = new Map<string, Family>();
  const family = (name: string) => families.get(name) ?? families.set(name, { name, samples: [] }).get(name)!;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') return;
    const help = HELP.exec(line);
    if (help) {
      const f = family(help[1]!);
      if (f.help !== undefined) fail('second HELP');
      f.help = help[2]!;
      return;
    }
    if (line.startsWith('# TYPE')) {
      const type = TYPE.exec(line) ?? fail('bad TYPE');
      const f = family(type[1]!);
      if (f.type !== undefined || f.samples.length > 0) fail('TYPE repeated or after samples');
      f.type = type[2] as MetricType;
      return;
    }
    if (line.startsWith('#')) return;
    const sample = SAMPLE.exec(line) ?? fail('not `name{labels} value`');
    const name = sample[1]!;
    const owner = ownerOf(families, name) ?? fail('sample of no declared family');
    if (owner.help === undefined || owner.type === undefined) fail('family lacks HELP or TYPE');
    const labels = parseLabels(sample[2] ?? '');
    if (name.endsWith('_bucket') && owner.type === 'histogram' && labels['le'] === undefined) fail('bucket without le');
    owner.samples.push({ name, labels, value: parseFloatValue(sample[3]!) });
  });
  for (const f of families.values()) {
    if (f.help === undefined || f.type === undefined) throw new Error(`family ${f.name} lacks HELP or TYPE`);
  }
  const samples = (name: string, labels: Record<string, string> = {}) =>
    [...families.values()]
      .flatMap((f) => f.samples)
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    families,
    samples,
    value(name, labels) {
      const found = samples(name, labels);
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
  };
}

/** The declared family a sample name belongs to (`x_bucket` to histogram `x`, and so on). */
function ownerOf(families: Map<string, Family>, name: string): Family | undefined {
  for (const f of families.values()) {
    if (f.type === undefined) continue;
    if (SUFFIXES[f.type].some((suffix) => f.name + suffix === name)) return f;
  }
  return undefined;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, key, quoted] of text.matchAll(LABEL_PAIR)) {
    if (key! in labels) throw new Error(`label ${key} repeated`);
    labels[key!] = quoted!.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseFloatValue(text: string): number {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return /^nan$/i.test(text) ? NaN : Number(text);
}
