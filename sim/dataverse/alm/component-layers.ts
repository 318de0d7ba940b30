/**
 * The solution layers of a component: the virtual table `msdyn_componentlayer` (entity set `msdyn_componentlayers`),
 * as Learn's table reference documents its columns [L15], queried the way every public client queries it: one
 * component at a time, `$filter=msdyn_componentid eq '<id>' and msdyn_solutioncomponentname eq '<name>'` [L16].
 * CONTRACT.md section L.
 *
 * The layers come from what the emulator knows: an import of a managed solution puts a managed layer under each of
 * its components (workflows, forms, environment variable definitions); `customize` puts the unmanaged layer, the
 * solution named `Active`, on top, as an edit in the maker portal does [L17]. A later import of the managed solution
 * replaces its layer and leaves `Active` on top.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../contracts.js';
import { DataverseError, notSupported } from '../errors.js';
import { checkOptions, parseFilter, type AlmRow } from './query.js';

const ENTITY = 'msdyn_componentlayer';
/** The solution name of the unmanaged layer in the layer stack [L16][L17]. */
export const ACTIVE_LAYER = 'Active';
/** `msdyn_overwritetime` of a layer nothing overwrites (the value public probes show). */
const NEVER_OVERWRITTEN = '1900-01-01T00:00:00Z';

/** `msdyn_solutioncomponentname` of the kinds of component the emulator layers [L16]. */
export const LayerComponentName = {
  workflow: 'Workflow',
  form: 'SystemForm',
  envVarDefinition: 'environmentvariabledefinition',
} as const;

export interface LayeredComponent {
  componentName: string;
  id: string;
  name: string;
}

interface Layer {
  id: string;
  solution: string;
  publisher: string | null;
  changes: Record<string, unknown>;
  overwrittenAt: string | null;
}

interface Stack {
  component: LayeredComponent;
  managed?: Layer;
  active?: Layer;
}

export class ComponentLayerTable {
  private readonly stacks = new Map<string, Stack>();

  constructor(private readonly clock: Clock) {}

  /** An import wrote these components: a managed solution's layer under any Active one, an unmanaged one's into Active. */
  recordImport(
    solution: { uniqueName: string; publisher: string | null; managed: boolean; version: string },
    components: LayeredComponent[],
  ): void {
    for (const component of components) {
      const stack = this.stack(component);
      stack.component = { ...component, id: component.id.toLowerCase() };
      const changes = { name: component.name, version: solution.version };
      if (solution.managed) {
        const overwrittenAt = stack.active ? this.now() : null;
        stack.managed = {
          id: stack.managed?.id ?? randomUUID(),
          solution: solution.uniqueName,
          publisher: solution.publisher,
          changes,
          overwrittenAt,
        };
      } else {
        stack.active = { id: stack.active?.id ?? randomUUID(), solution: ACTIVE_LAYER, publisher: null, changes, overwrittenAt: null };
      }
    }
  }

  /**
   * A maker's edit of an installed component: the unmanaged (Active) layer on top of its managed one, with the
   * changed properties. Throws when the environment has no component with that id.
   */
  customize(componentId: string, changes: Record<string, unknown>): LayeredComponent {
    const id = componentId.toLowerCase();
    const stack = [...this.stacks.values()].find((candidate) => candidate.component.id === id);
    if (!stack) throw new Error(`alm.customize: no imported workflow, form or environment variable definition has the id ${componentId}`);
    if (stack.managed) stack.managed.overwrittenAt = this.now();
    stack.active = {
      id: stack.active?.id ?? randomUUID(),
      solution: ACTIVE_LAYER,
      publisher: null,
      changes: { ...(stack.active?.changes ?? {}), ...changes },
      overwrittenAt: null,
    };
    return stack.component;
  }

  /** GET msdyn_componentlayers: both filters required; `$select` is taken and ignored, as public probes report. */
  answer(method: string, key: string | undefined, query: URLSearchParams): { status: number; body: unknown } {
    if (method !== 'GET') throw notSupported(`${method} on ${ENTITY}s (the emulator reads layers only)`);
    if (key !== undefined) throw notSupported(`reading one ${ENTITY} by key`);
    checkOptions(query, ['$select', '$filter']);
    const { componentId, componentName } = requiredFilter(query.get('$filter'));
    const stack = this.stacks.get(stackKey(componentName, componentId));
    const layers = stack ? [stack.managed, stack.active].filter((layer): layer is Layer => layer !== undefined) : [];
    return { status: 200, body: { value: layers.map((layer, index) => row(stack!.component, layer, index + 1)) } };
  }

  private stack(component: LayeredComponent): Stack {
    const key = stackKey(component.componentName, component.id);
    let stack = this.stacks.get(key);
    if (!stack) {
      stack = { component: { ...component, id: component.id.toLowerCase() } };
      this.stacks.set(key, stack);
    }
    return stack;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

const stackKey = (componentName: string, id: string): string => `${componentName.toLowerCase()} ${id.toLowerCase()}`;

/** The two equality filters the virtual table needs; a query without them is refused (wording unverified). */
function requiredFilter(filter: string | null): { componentId: string; componentName: string } {
  const comparisons = filter ? parseFilter(filter) : [];
  const value = (column: string): string | undefined => {
    const found = comparisons.find((comparison) => comparison.column === column && !comparison.negate);
    return typeof found?.value === 'string' ? found.value : undefined;
  };
  const componentId = value('msdyn_componentid');
  const componentName = value('msdyn_solutioncomponentname');
  const others = comparisons.filter((comparison) => !['msdyn_componentid', 'msdyn_solutioncomponentname'].includes(comparison.column));
  if (componentId === undefined || componentName === undefined || others.length > 0) {
    throw new DataverseError(
      400,
      '0x80040203',
      "msdyn_componentlayer can only be queried for one component: $filter=msdyn_componentid eq '<id>' and msdyn_solutioncomponentname eq '<component type name>'.",
    );
  }
  return { componentId, componentName };
}

function row(component: LayeredComponent, layer: Layer, order: number): AlmRow {
  return {
    msdyn_componentlayerid: layer.id,
    msdyn_componentid: component.id,
    msdyn_solutioncomponentname: component.componentName,
    msdyn_name: component.name,
    msdyn_solutionname: layer.solution,
    msdyn_publishername: layer.publisher,
    msdyn_order: order,
    msdyn_overwritetime: layer.overwrittenAt ?? NEVER_OVERWRITTEN,
    msdyn_changes: JSON.stringify({ Attributes: Object.entries(layer.changes).map(([Key, Value]) => ({ Key, Value })) }),
    msdyn_componentjson: JSON.stringify({ Id: component.id, Attributes: [{ Key: 'name', Value: component.name }] }),
    msdyn_children: null,
  };
}
