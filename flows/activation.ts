/**
 * The order to turn flows on: a flow that calls a child flow (a `Workflow` action naming the child's
 * workflow id) can only be activated after the child. The order is read from the flow documents
 * themselves, so it holds for any package, ours or one a maker edited.
 */
interface FlowForActivation {
  id: string;
  name: string;
  document: unknown;
}

/** Workflow ids of the child flows a flow document calls. */
export function childFlowIds(document: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const host = (record.inputs as { host?: { workflowReferenceName?: unknown } } | undefined)?.host;
    if (record.type === 'Workflow' && typeof host?.workflowReferenceName === 'string') found.push(host.workflowReferenceName.toLowerCase());
    Object.values(record).forEach(visit);
  };
  visit(document);
  return [...new Set(found)];
}

/** Children first; among flows free to go, the given order is kept. Throws on a cycle of child calls. */
export function activationOrder<T extends FlowForActivation>(flows: readonly T[]): T[] {
  const byId = new Map(flows.map((flow) => [flow.id.toLowerCase(), flow]));
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (flow: T, path: string[]): void => {
    const id = flow.id.toLowerCase();
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`child flows call each other in a cycle: ${[...path, flow.name].join(' → ')}`);
    state.set(id, 'visiting');
    for (const child of childFlowIds(flow.document)) {
      const target = byId.get(child);
      if (target) visit(target, [...path, flow.name]);
    }
    state.set(id, 'done');
    ordered.push(flow);
  };
  for (const flow of flows) visit(flow, []);
  return ordered;
}
