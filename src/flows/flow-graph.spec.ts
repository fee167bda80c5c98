import { decodeTap, encodeTap, graphProblems, nextAfter, stepContentOfNode, type FlowGraph } from './flow-graph';

const graph = (nodes: FlowGraph['nodes'], entry = nodes[0]!.id): FlowGraph => ({ entry, nodes });

describe('flow graphs', () => {
  it('accepts a loop that goes through a tap, and refuses one that needs none', () => {
    expect(
      graphProblems(
        graph([
          { id: 'menu', type: 'quick_replies', text: 'Again?', quickReplies: [{ title: 'Yes', next: 'again' }] },
          { id: 'again', type: 'text', text: 'Here we go', next: 'menu' },
        ]),
      ),
    ).toEqual([]);
    expect(
      graphProblems(
        graph([
          { id: 'a', type: 'text', text: 'A', next: 'b' },
          { id: 'b', type: 'condition', condition: { kind: 'has_ordered' }, then: 'a' },
        ]),
      ),
    ).toEqual([{ field: 'nodes.0', message: 'nodes.0: node a is reached again without a tap (a loop would send forever)' }]);
  });

  it('names the field of an edge to nowhere, a doubled id and a missing entry', () => {
    const problems = graphProblems(
      graph(
        [
          { id: 'a', type: 'buttons', text: 'Pick', buttons: [{ type: 'postback', title: 'Go', next: 'gone' }] },
          { id: 'a', type: 'optin', topicId: 't', ifRefused: 'missing' },
        ],
        'nowhere',
      ),
    );
    expect(problems.map((p) => p.field)).toEqual(['nodes.1.id', 'entry', 'nodes.0.buttons.0.next', 'nodes.1.ifRefused']);
  });

  it('encodes a tap with flow, version, node and run, and reads back only its own payloads', () => {
    const tap = { flowId: '2f1c7f0e-7a4d-4a43-9d51-0f6f3b8c1a11', version: 3, nodeId: 'ask_now', runId: '9b0e-run' };
    expect(decodeTap(encodeTap(tap))).toEqual(tap);
    for (const other of ['GET_STARTED', 'MMFLOW:a:0:n:r', 'MMFLOW:a:1:bad node:r', 'MMFLOW:a:1:n', undefined])
      expect(decodeTap(other)).toBeUndefined();
  });

  it("puts the target node of each quick reply into its payload and follows an MM button's refused branch", () => {
    const content = stepContentOfNode(
      { id: 'q', type: 'quick_replies', text: 'Notify you?', quickReplies: [{ title: 'Yes', next: 'ask' }] },
      (node) => `tap:${node}`,
    );
    expect(content).toEqual({ type: 'quick_replies', text: 'Notify you?', quickReplies: [{ title: 'Yes', payload: 'tap:ask' }] });
    const optin = { id: 'ask', type: 'optin' as const, topicId: 't', next: 'thanks', ifRefused: 'already' };
    expect([nextAfter(optin, false), nextAfter(optin, true)]).toEqual(['thanks', 'already']);
  });
});
