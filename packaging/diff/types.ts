/**
 * The vocabulary of `cosell diff`: a solution zip is read into components keyed by the stable ids the model
 * derives (workflow id, form id, env var schema name, table.column…), and two versions of a component give a
 * list of changes.
 */

export type ComponentKind =
  | 'flow'
  | 'form'
  | 'view'
  | 'table'
  | 'column'
  | 'key'
  | 'choice'
  | 'relationship'
  | 'connection reference'
  | 'env var'
  | 'env var value'
  | 'control';

export interface Change {
  change: 'added' | 'removed' | 'changed' | 'moved';
  /** What changed, readable: `action Find_account`, `trigger manual`, `control pcs_products`, `field MaxLength`. */
  subject: string;
  /** JSON pointer (flows) or XML field path (everything else) inside the subject, when the change is to one value. */
  path?: string;
  before?: unknown;
  after?: unknown;
  /** Extra words for the reader: `in If_opportunity (else), after Use_the_lead`. */
  note?: string;
}

export interface Component {
  kind: ComponentKind;
  /** Stable identity across versions: `flow {guid}`, `column opportunity.pcs_products`, `env var pcs_SyncOnlyCoSell`. */
  key: string;
  /** The name a maker sees (flow display name, form name, schema name). */
  name: string;
  /** Kind-specific content; compared only with a component of the same key. */
  value: unknown;
  /**
   * Key of the component this one belongs to, for parts our package may lack while the component is ours
   * (an env var's current value): such a part is compared with nothing instead of being called foreign.
   */
  owner?: string;
}

/** Compares two versions of one component (same kind and key). */
export type Comparer = (before: Component, after: Component) => Change[];
