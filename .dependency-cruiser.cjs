// The layering of docs/ARCHITECTURE.md as rules: a module imports only from its own layer or the layers below it,
// and nothing imports in a cycle (type-only imports count too). Checked by `npm run check:deps` (part of `npm test`).
const LAYERS = [
  { name: 'base', path: '^src/(errors|mask-secret|fast-prototypes)\\.ts$|^src/events/' },
  { name: 'wire and storage', path: '^src/(providers|storage)/' },
  { name: 'config', path: '^src/config/' },
  { name: 'catalog', path: '^src/catalog/' },
  { name: 'accounts', path: '^src/accounts/' },
  { name: 'routing', path: '^src/routing/' },
  { name: 'tools', path: '^tools/' },
  { name: 'request graph', path: '^graphs/chat/' },
  { name: 'agent graph', path: '^graphs/code-agent/(?!threads/)' },
  { name: 'agent threads', path: '^graphs/code-agent/threads/' },
  { name: 'server', path: '^src/server/' },
  { name: 'composition root and CLI', path: '^src/main\\.ts$|^src/cli/' },
];

/** One rule per layer: nothing in it imports from any layer above it. */
const upward = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.name.replaceAll(' ', '-')}`,
  comment: `${layer.name} is below ${LAYERS.slice(index + 1).map((above) => above.name).join(', ')}: imports flow down only`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(index + 1).map((above) => above.path).join('|') },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle (type-only imports included) ties modules that should be able to change apart',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'wire-apart-from-storage',
      comment: 'provider wire protocols and storage backends are siblings: neither knows the other',
      severity: 'error',
      from: { path: '^src/(providers|storage)/' },
      to: { path: '^src/(providers|storage)/', pathNot: '^src/$1/' },
    },
    {
      name: 'product-code-not-from-tests-or-benches',
      severity: 'error',
      from: { path: '^(src|graphs|tools)/' },
      to: { path: '^(test|bench|examples)/' },
    },
    {
      name: 'console-apart-from-gateway',
      comment: 'the console (ui/) is a browser bundle that talks to the gateway over HTTP only; the gateway never imports it',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^(src|graphs|tools|test|bench|examples)/' },
    },
    {
      name: 'gateway-apart-from-console',
      severity: 'error',
      from: { path: '^(src|graphs|tools)/' },
      to: { path: '^ui/' },
    },
    {
      name: 'editor-extension-apart-from-gateway',
      comment:
        'the VS Code extension (editors/vscode) talks HTTP and WebSocket to the gateway and ships alone: it imports nothing of the gateway, its tests or the console',
      severity: 'error',
      from: { path: '^editors/vscode/src/' },
      to: { path: '^(src|graphs|tools|test|bench|examples|ui)/' },
    },
    {
      name: 'gateway-apart-from-editor-extension',
      severity: 'error',
      from: { path: '^(src|graphs|tools|ui)/' },
      to: { path: '^editors/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'the VS Code extension\'s `vscode` module is the editor\'s own at runtime: only its types are installed',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    // Resolve package subpaths through their `exports` maps, as Node does (`@langchain/langgraph/prebuilt`).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
