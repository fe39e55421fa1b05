// Run by test/unit/fast-prototypes.test.ts in a node of its own started with --allow-natives-syntax: prints, as one
// line of JSON, which built-in prototypes V8 holds in fast mode once the gateway's modules are loaded, once a gateway
// has started, and after one more class extends String.
import { parseConfig } from '../../src/config/load.js';
import { createLogger, startGateway } from '../../src/main.js';

// V8's own test of an object's mode; `%` syntax parses only under --allow-natives-syntax, so it is compiled here.
const hasFastProperties = new Function('object', 'return %HasFastProperties(object)') as (object: object) => boolean;

const PROTOTYPES = { String: String.prototype, Array: Array.prototype, Object: Object.prototype };

const modes = () => Object.fromEntries(Object.entries(PROTOTYPES).map(([name, p]) => [name, hasFastProperties(p)]));

const loaded = modes();
const config = parseConfig(
  { logLevel: 'silent', server: { port: 0, host: '127.0.0.1' }, discovery: { enabled: false } },
  'test',
);
const gateway = await startGateway({ config, env: { SWITCHBOARD_STORE: 'memory' }, logger: createLogger('silent') });
const started = modes();
await gateway.close();
class LaterExtension extends String {}
const extendedAgain = { ...modes(), made: new LaterExtension('x').length };
process.stdout.write(`${JSON.stringify({ loaded, started, extendedAgain })}\n`);
