/**
 * Which of our components carry an unmanaged layer in an environment, read from Dataverse's solution layers
 * (virtual table msdyn_componentlayer; sim/dataverse/CONTRACT.md §L [L15]–[L17]). An edit in the maker portal puts
 * an unmanaged layer, the solution named `Active`, on top of our managed layer; an upgrade replaces our layer
 * underneath and the edit keeps hiding it. With the zip of our next version, the customised components that version
 * changes (packaging/diff's comparison against the installed version) are conflicts, as in `cosell diff`.
 *
 * The table answers one component per query (both equality filters required), so this costs one GET per flow, form
 * and environment variable definition of ours, four in flight.
 */
import { compareComponents } from '../packaging/diff/components.js';
import type { Component } from '../packaging/diff/types.js';
import { ACTIVE_LAYER, Column, EntitySet, LayerComponentName } from './constants.js';
import type { WebApi } from './web-api.js';

export const LAYER_WARNING =
  'our upgrades of this component will not show through until the unmanaged layer is removed (maker portal → solution layers → Remove active customizations)';

const IN_FLIGHT = 4;

export type LayeredKind = keyof typeof LayerComponentName;

export interface LayerTarget {
  kind: LayeredKind;
  /** packaging/diff's key: `flow {id}`, `form {id}`, `env var <schema name>`. */
  key: string;
  /** The component's id in the environment (workflow id, form id, environment variable definition id). */
  id: string;
  name: string;
}

export interface CustomisedComponent extends LayerTarget {
  /** The layer stack, bottom to top (`CoSellSync`, `Active`). */
  layers: string[];
  /** Whether our next version changes this component (only when the next version and the installed one are known). */
  conflict?: boolean;
  /** What our next version changes in it, as `cosell diff` words it. */
  ourChanges?: string[];
}

export interface CustomisationStatus {
  /** How many of our components were checked (one GET each). */
  checked: number;
  customised: CustomisedComponent[];
  warning: string;
  /** The next version conflicts were computed for. */
  next?: { label: string; version: string | null };
  /** Why the customised components are not sorted into conflicts or not. */
  conflictsUnknown?: string;
  /** Why the layers could not be read (the rest of the status stands). */
  unreadable?: string;
}

export interface PackageComponents {
  label: string;
  version: string | null;
  components: Map<string, Component>;
}

export interface LayerInput {
  /** Our components from the configuration's build: the flows, forms and env var definitions checked. */
  ours: Map<string, Component>;
  /** Our versions whose components are known (the configuration's build, `--base`): one must be the installed one. */
  bases: PackageComponents[];
  /** Our next version (`--zip`). */
  next?: PackageComponents;
}

const KEY = /^(flow|form) \{([0-9a-f-]{36})\}$/;

/** The components to check: our flows and forms by their ids, our env var definitions by the environment's ids. */
export function layerTargets(ours: Map<string, Component>, definitionIds: Map<string, string>): LayerTarget[] {
  const targets: LayerTarget[] = [];
  for (const component of ours.values()) {
    const match = KEY.exec(component.key);
    if (match) targets.push({ kind: match[1] as 'flow' | 'form', key: component.key, id: match[2]!, name: component.name });
    const definitionId = component.kind === 'env var' ? definitionIds.get(component.name.toLowerCase()) : undefined;
    if (definitionId) targets.push({ kind: 'env var', key: component.key, id: definitionId.toLowerCase(), name: component.name });
  }
  return targets;
}

export async function readCustomisations(
  api: WebApi,
  input: LayerInput,
  installedVersion: string | null,
  definitionIds: Map<string, string>,
): Promise<CustomisationStatus> {
  const targets = layerTargets(input.ours, definitionIds);
  const base: CustomisationStatus = { checked: targets.length, customised: [], warning: LAYER_WARNING };
  let stacks: string[][];
  try {
    stacks = await inFlight(targets, IN_FLIGHT, (target) => layersOf(api, target));
  } catch (error) {
    return { ...base, unreadable: error instanceof Error ? error.message : String(error) };
  }
  const customised = targets
    .map((target, index) => ({ ...target, layers: stacks[index]! }))
    .filter((component) => component.layers.includes(ACTIVE_LAYER));
  return { ...base, ...sortConflicts(customised, input, installedVersion) };
}

async function layersOf(api: WebApi, target: LayerTarget): Promise<string[]> {
  const c = Column.componentLayer;
  const answer = (await api.get(
    `${EntitySet.componentLayers}?$select=${c.solutionName},${c.order}&$filter=${c.componentId} eq '${target.id}' and ${c.componentName} eq '${LayerComponentName[target.kind]}'`,
    `reading the solution layers of ${target.kind} ${target.name}`,
  )) as { value: Array<Record<string, unknown>> };
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return answer.value
    .map((row) => ({ solution: text(row[c.solutionName]), order: Number(row[c.order] ?? 0) }))
    .sort((a, b) => a.order - b.order)
    .map((layer) => layer.solution);
}

/** Marks the customised components our next version changes against the installed version, when both are known. */
export function sortConflicts(
  customised: CustomisedComponent[],
  input: Pick<LayerInput, 'bases' | 'next'>,
  installedVersion: string | null,
): Pick<CustomisationStatus, 'customised' | 'next' | 'conflictsUnknown'> {
  if (customised.length === 0) return { customised };
  const next = input.next;
  if (!next)
    return { customised, conflictsUnknown: 'give the zip of our next version (--zip) to see which of these it changes (conflicts)' };
  const nextInfo = { label: next.label, version: next.version };
  const installed = input.bases.find((candidate) => candidate.version !== null && candidate.version === installedVersion);
  if (!installed) {
    const known = input.bases.map((candidate) => `${candidate.label} is ${candidate.version ?? 'of no version'}`).join('; ');
    return {
      customised,
      next: nextInfo,
      conflictsUnknown: `our changes are computed against the installed version ${installedVersion ?? '(none)'}, and no zip of it is known (${known}): pass it with --base <zip>`,
    };
  }
  return {
    next: nextInfo,
    customised: customised.map((component) => {
      const ourChanges = compareComponents(installed.components.get(component.key), next.components.get(component.key)).map(
        (change) => `${change.change} ${change.subject}`,
      );
      return { ...component, conflict: ourChanges.length > 0, ourChanges };
    }),
  };
}

/** `work` over `items`, at most `limit` at a time, results in the items' order; the first failure rejects. */
async function inFlight<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
