import { buildFlows } from '../../flows/index.js';
import type { CloudFlow } from '../../solution/model.js';
import { defaultModel } from '../support/model.js';
import type { Json } from '../support/json.js';

/** Flow documents are plain JSON; tests index into them freely. */
export type { Json };

export const model = defaultModel();
export const flows = buildFlows(model);

export function flowNamed(name: string): { flow: CloudFlow; definition: Json; document: Json } {
  const flow = flows.find((candidate) => candidate.name === name);
  if (!flow) throw new Error(`no flow named ${name}`);
  const document = flow.document as Json;
  return { flow, document, definition: document.properties.definition };
}

/** Every action of a definition, nested ones included, by name. */
export function allActions(definition: Json): Record<string, Json> {
  const found: Record<string, Json> = {};
  const visit = (actions: Record<string, Json> | undefined): void => {
    for (const [name, action] of Object.entries(actions ?? {})) {
      found[name] = action;
      visit(action.actions);
      visit(action.else?.actions);
      for (const branch of Object.values<Json>(action.cases ?? {})) visit(branch.actions);
      visit(action.default?.actions);
    }
  };
  visit(definition.actions);
  return found;
}
