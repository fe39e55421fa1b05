// A run drawn as its graph (React Flow): the request graph's nodes (classify → cache → route → call → judge → fuse →
// respond) or the agent's (agent ⇄ tools), each coloured by its state; the edges the run took drawn solid, a way
// back (a fallback, a judge rejection, a tool round) in red or blue.
import { Background, type Edge, MarkerType, type Node, Position, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { END_FAILED, END_OK, type NodeStatus, type RunView } from './run-state';

type Layout = { nodes: [string, number, number][]; edges: [string, string][] };

const CHAT: Layout = {
  nodes: [
    ['classify', 0, 0],
    ['cache', 170, -70],
    ['route', 340, 0],
    ['call', 510, 0],
    ['judge', 680, 0],
    ['fuse', 850, -90],
    [END_OK, 1020, 0],
    [END_FAILED, 850, 110],
  ],
  edges: [
    ['classify', 'cache'],
    ['classify', 'route'],
    ['cache', 'route'],
    ['cache', END_OK],
    ['route', 'call'],
    ['call', 'judge'],
    ['call', 'route'],
    ['judge', 'route'],
    ['judge', END_OK],
    ['judge', 'fuse'],
    ['fuse', END_OK],
  ],
};

const AGENT: Layout = {
  nodes: [
    ['agent', 0, 0],
    ['tools', 260, 120],
    [END_OK, 520, 0],
    [END_FAILED, 520, 140],
  ],
  edges: [
    ['agent', 'tools'],
    ['tools', 'agent'],
    ['agent', END_OK],
  ],
};

const LABEL: Record<NodeStatus, string> = {
  idle: 'not run',
  active: 'running',
  done: 'done',
  failed: 'failed',
  paused: 'waiting for a human',
};

/** Edges that go back: a fallback to route, a rejected answer, the agent's tool round trip. */
function isBack(from: string, to: string): boolean {
  return (to === 'route' && (from === 'call' || from === 'judge')) || (from === 'tools' && to === 'agent');
}

export function RunGraph({ view, agent }: { view: RunView; agent: boolean }) {
  const layout = agent ? AGENT : CHAT;
  const nodes: Node[] = layout.nodes.map(([id, x, y]) => {
    const state = view.nodes[id];
    const status: NodeStatus = state?.status ?? 'idle';
    const visits = state && state.visits > 1 ? ` ×${state.visits}` : '';
    return {
      id,
      position: { x, y },
      data: { label: `${id}${visits}` },
      className: `run-node run-node-${status}`,
      ariaLabel: `${id}: ${LABEL[status]}${visits ? `, ${state?.visits} times` : ''}`,
      // Left to right, as the run goes: edges leave a node's right side and enter the next one's left.
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      draggable: false,
      connectable: false,
    };
  });
  const known = new Set(layout.edges.map(([a, b]) => `${a}>${b}`));
  // An edge the run took that the layout lacks (an end reached from any node) is drawn too.
  const pairs = [
    ...layout.edges,
    ...[...view.taken].filter((e) => !known.has(e)).map((e) => e.split('>') as [string, string]),
  ];
  const edges: Edge[] = pairs.map(([from, to]) => {
    const taken = view.taken.has(`${from}>${to}`);
    const back = isBack(from, to);
    const color = !taken ? '#b7bec8' : to === END_FAILED ? '#a3161b' : back && !agent ? '#c2410c' : '#1d4ed8';
    return {
      id: `${from}>${to}`,
      source: from,
      target: to,
      animated: taken && view.status === 'running',
      ...(back && !agent ? { label: 'fall back' } : {}),
      style: { stroke: color, strokeWidth: taken ? 2.5 : 1, strokeDasharray: taken ? undefined : '4 4' },
      markerEnd: { type: MarkerType.ArrowClosed, color },
      className: taken ? 'run-edge-taken' : 'run-edge',
    };
  });
  return (
    <div className="run-graph" role="img" aria-label={describe(view)}>
      <ReactFlow
        // Fitted again when the run changes state: the page around it (a question card coming and going) may have
        // moved or resized it since the first fit.
        key={view.status}
        nodes={nodes}
        edges={edges}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
      </ReactFlow>
    </div>
  );
}

/** The graph in words, for screen readers and tests: each node that ran, and its state. */
function describe(view: RunView): string {
  const ran = Object.entries(view.nodes).map(([id, s]) => `${id} ${LABEL[s.status]}`);
  return ran.length === 0 ? 'The run has not started yet' : `Run graph: ${ran.join(', ')}`;
}
