import { BASE_LANGUAGE } from '../../solution/labels.js';
import type { Column, PartnerColumn, Relationship, SolutionModel, Table } from '../../solution/model.js';
import { ACTIVE_INACTIVE, builtInTables, system, type TableSpec } from './built-in-tables.js';

/**
 * The tables the emulator knows: built-in definitions of the Microsoft tables the flows touch
 * (opportunity, account, contact, lead, transactioncurrency) merged with the solution model (our
 * columns on opportunity, our custom tables, their keys, choices and relationships). Anything not
 * listed here is unknown to the emulator, exactly as a column missing from the package would be
 * unknown to Dataverse.
 */

type AttributeType =
  | 'uniqueidentifier'
  | 'string'
  | 'memo'
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'double'
  | 'money'
  | 'boolean'
  | 'datetime'
  | 'dateonly'
  | 'picklist'
  | 'multiselect'
  | 'state'
  | 'status'
  | 'lookup';

export interface AttributeDef {
  readonly logicalName: string;
  readonly type: AttributeType;
  readonly displayName: string;
  readonly maxLength?: number;
  /** Choice, state and status options: value → label. */
  readonly options?: ReadonlyMap<number, string>;
  /** Status reason → the state it belongs to. */
  readonly statusState?: ReadonlyMap<number, number>;
  /** Default on create (booleans, choices with a default). */
  readonly defaultValue?: boolean | number;
  /** Labels of false and true. */
  readonly booleanLabels?: readonly [string, string];
  /** Lookups: navigation property → target table logical name (two entries for a customer lookup). */
  readonly navigation?: ReadonlyMap<string, string>;
  /** Decimal places kept (money, decimal). */
  readonly precision?: number;
  /** MinValue and MaxValue of a number column (money, decimal, integer), from the table reference. */
  readonly range?: readonly [min: number, max: number];
  /** Not valid for create or update: values sent for it are ignored (createdon, versionnumber, fullname). */
  readonly readOnly?: boolean;
}

interface StateDef {
  readonly value: number;
  readonly invariantName: string;
  readonly defaultStatus: number;
}

interface KeyDef {
  readonly logicalName: string;
  readonly displayName: string;
  readonly columns: readonly string[];
}

export interface EntityDef {
  readonly logicalName: string;
  /** `Opportunity`: names the state enum in messages (`OpportunityState.Open`). */
  readonly schemaName: string;
  readonly entitySetName: string;
  readonly primaryIdAttribute: string;
  readonly primaryNameAttribute: string;
  readonly attributes: ReadonlyMap<string, AttributeDef>;
  /** Single-valued navigation property → its lookup attribute and target table. */
  readonly navigation: ReadonlyMap<string, { readonly attribute: string; readonly target: string }>;
  readonly keys: readonly KeyDef[];
  readonly states: readonly StateDef[];
  /** States an update may not set: state → the message that sets it (opportunity Won → WinOpportunity). */
  readonly closingMessages: ReadonlyMap<number, string>;
}

/** What deleting a parent row does to the rows that point at it. */
interface CascadeDef {
  readonly parent: string;
  readonly child: string;
  readonly attribute: string;
  readonly onDelete: 'Cascade' | 'RemoveLink';
  /** The relationship's schema name (the parent's collection-valued navigation property), when the model defines it. */
  readonly relationship?: string;
}

export interface Metadata {
  readonly entities: ReadonlyMap<string, EntityDef>;
  readonly bySet: ReadonlyMap<string, EntityDef>;
  readonly cascades: readonly CascadeDef[];
}

/** ISO code → fixed id of the currencies every emulated org starts with (USD is the base currency). */
export const SEEDED_CURRENCIES = {
  USD: { id: 'a1b2c3d4-0001-4000-8000-000000000840', name: 'US Dollar', symbol: '$', rate: 1 },
  EUR: { id: 'a1b2c3d4-0001-4000-8000-000000000978', name: 'Euro', symbol: '€', rate: 0.92 },
  TWD: { id: 'a1b2c3d4-0001-4000-8000-000000000901', name: 'New Taiwan Dollar', symbol: 'NT$', rate: 32.1 },
} as const;

type Def = AttributeDef;

// ---------------------------------------------------------------------------------------------
// The solution model's part.
// ---------------------------------------------------------------------------------------------

const label = (labels: Readonly<Record<number, string>>): string => labels[BASE_LANGUAGE] ?? Object.values(labels)[0] ?? '';

function modelColumn(column: Column, navigationName: (column: Column) => string): Def {
  const base = { logicalName: column.logicalName, displayName: label(column.label) };
  switch (column.kind) {
    case 'boolean':
      return {
        ...base,
        type: 'boolean',
        defaultValue: column.defaultValue,
        booleanLabels: [label(column.falseLabel), label(column.trueLabel)],
      };
    case 'text':
      return { ...base, type: 'string', maxLength: column.maxLength };
    case 'memo':
      return { ...base, type: 'memo', maxLength: column.maxLength };
    case 'choice':
      return {
        ...base,
        type: column.multiSelect ? 'multiselect' : 'picklist',
        options: new Map(column.choice.options.map((option) => [option.value, label(option.label)])),
        ...(column.defaultValue !== undefined && !column.multiSelect ? { defaultValue: column.defaultValue } : {}),
      };
    case 'datetime':
      return { ...base, type: 'datetime' };
    case 'lookup':
      return { ...base, type: 'lookup', navigation: new Map([[navigationName(column), column.targetEntity.toLowerCase()]]) };
  }
}

export function buildMetadata(model: SolutionModel): Metadata {
  const specs = new Map(builtInTables().map((spec) => [spec.logicalName, spec]));
  const schemaToLogical = new Map<string, string>();
  for (const spec of specs.values()) schemaToLogical.set(spec.schemaName, spec.logicalName);
  for (const table of model.tables) schemaToLogical.set(table.schemaName, table.logicalName);
  /** The model's relationship whose lookup is `entity.attribute`, if any. */
  const relationshipOf = (entity: string, attribute: string): Relationship | undefined =>
    model.relationships.find(
      (r) => schemaToLogical.get(r.referencingEntity) === entity && r.referencingAttribute.toLowerCase() === attribute,
    );

  const keysOf = new Map<string, KeyDef[]>();
  for (const table of model.tables) {
    keysOf.set(
      table.logicalName,
      table.keys.map((key) => ({ logicalName: key.logicalName, displayName: label(key.label), columns: [...key.columns] })),
    );
    mergeTable(specs, table, relationshipOf);
  }
  addPartnerColumns(specs, model.partnerMappings?.columns ?? []);
  const entities = new Map<string, EntityDef>();
  for (const spec of specs.values()) entities.set(spec.logicalName, entityOf(spec, keysOf.get(spec.logicalName) ?? []));
  const cascades = [...entities.values()].flatMap((entity) => cascadesOf(entity, entities, relationshipOf));
  return { entities, bySet: new Map([...entities.values()].map((e) => [e.entitySetName, e])), cascades };
}

type RelationshipOf = (entity: string, attribute: string) => Relationship | undefined;

/** Our columns onto a built-in table we extend, or our own table (with its id, primary name and system columns). */
function mergeTable(specs: Map<string, TableSpec>, table: Table, relationshipOf: RelationshipOf): void {
  // The referencing role's navigation property is the lookup's schema name (as the package writes it).
  const navigationName = (column: Column): string =>
    relationshipOf(table.logicalName, column.logicalName)?.referencingAttribute ?? column.schemaName;
  const columns = table.columns.map((column) => modelColumn(column, navigationName));
  if (table.kind === 'extended') {
    const spec = specs.get(table.logicalName);
    if (!spec) throw new Error(`The Dataverse emulator has no built-in definition of the table ${table.logicalName} the solution extends`);
    const own = new Set(columns.map((c) => c.logicalName));
    spec.attributes = [...spec.attributes.filter((a) => !own.has(a.logicalName)), ...columns];
    return;
  }
  specs.set(table.logicalName, {
    logicalName: table.logicalName,
    schemaName: table.schemaName,
    entitySetName: table.entitySetName,
    primaryNameAttribute: table.primaryName.logicalName,
    states: ACTIVE_INACTIVE,
    attributes: [
      { logicalName: `${table.logicalName}id`, type: 'uniqueidentifier', displayName: label(table.label) },
      modelColumn(table.primaryName, navigationName),
      ...columns,
      ...system(ACTIVE_INACTIVE, { 0: 'Active', 1: 'Inactive' }),
    ],
  });
}

/**
 * The partner's own columns (pac.config.json "mappings"): the package does not create them, it requires them, so
 * the emulated org has them as the partner's org would, with the type the configuration declares.
 */
function addPartnerColumns(specs: Map<string, TableSpec>, columns: readonly PartnerColumn[]): void {
  for (const column of columns) {
    const spec = specs.get(column.table);
    if (!spec) throw new Error(`The Dataverse emulator has no built-in definition of the table ${column.table} a partner column is on`);
    const base = { logicalName: column.logicalName, displayName: column.displayName ?? column.logicalName };
    spec.attributes = [
      ...spec.attributes.filter((attribute) => attribute.logicalName !== column.logicalName),
      partnerAttribute(column, base),
    ];
  }
}

function partnerAttribute(column: PartnerColumn, base: { logicalName: string; displayName: string }): Def {
  switch (column.type) {
    case 'text':
      return { ...base, type: column.maxLength > 4000 ? 'memo' : 'string', maxLength: column.maxLength };
    case 'number':
      // Dataverse's decimal column keeps 2 places unless told otherwise (Learn, "Column data types").
      return { ...base, type: 'decimal', precision: 2 };
    case 'date':
      return { ...base, type: 'dateonly' };
    case 'choice':
      return { ...base, type: 'picklist', options: new Map(column.options.map((option) => [option, String(option)])) };
    case 'boolean':
      return { ...base, type: 'boolean', defaultValue: false, booleanLabels: ['No', 'Yes'] };
  }
}

function entityOf(spec: TableSpec, keys: KeyDef[]): EntityDef {
  const attributes = new Map(spec.attributes.map((a) => [a.logicalName, a]));
  const navigation = new Map<string, { attribute: string; target: string }>();
  for (const attribute of attributes.values()) {
    for (const [name, target] of attribute.navigation ?? []) navigation.set(name, { attribute: attribute.logicalName, target });
  }
  return {
    logicalName: spec.logicalName,
    schemaName: spec.schemaName,
    entitySetName: spec.entitySetName,
    primaryIdAttribute: spec.attributes.find((a) => a.type === 'uniqueidentifier')!.logicalName,
    primaryNameAttribute: spec.primaryNameAttribute,
    attributes,
    navigation,
    keys,
    states: spec.states.states.map(([value, invariantName, defaultStatus]) => ({ value, invariantName, defaultStatus })),
    closingMessages: new Map(Object.entries(spec.closingMessages ?? {}).map(([state, message]) => [Number(state), message])),
  };
}

/** Lookup targets must exist; every lookup gets a delete behaviour (the model's relationships say which). */
function cascadesOf(entity: EntityDef, entities: ReadonlyMap<string, EntityDef>, relationshipOf: RelationshipOf): CascadeDef[] {
  const cascades: CascadeDef[] = [];
  for (const attribute of entity.attributes.values()) {
    for (const target of new Set(attribute.navigation?.values() ?? [])) {
      if (!entities.has(target))
        throw new Error(
          `The lookup ${entity.logicalName}.${attribute.logicalName} targets ${target}, a table the Dataverse emulator does not know`,
        );
      const relationship = relationshipOf(entity.logicalName, attribute.logicalName);
      cascades.push({
        parent: target,
        child: entity.logicalName,
        attribute: attribute.logicalName,
        onDelete: relationship?.cascade === 'parental' ? 'Cascade' : 'RemoveLink',
        ...(relationship ? { relationship: relationship.schemaName } : {}),
      });
    }
  }
  return cascades;
}

/** `OpportunityState.Open`, as Dataverse names a state in messages. */
export function stateName(entity: EntityDef, state: number): string {
  const def = entity.states.find((s) => s.value === state);
  return `${entity.schemaName}State.${def?.invariantName ?? state}`;
}

/** The display name of a column, for messages. */
export const displayName = (entity: EntityDef, attribute: string): string => entity.attributes.get(attribute)?.displayName ?? attribute;

/** The EDM type a column has in the Web API. */
export function edmType(attribute: AttributeDef): string {
  switch (attribute.type) {
    case 'string':
    case 'memo':
    case 'multiselect':
      return 'Edm.String';
    case 'integer':
    case 'picklist':
    case 'state':
    case 'status':
      return 'Edm.Int32';
    case 'bigint':
      return 'Edm.Int64';
    case 'decimal':
    case 'money':
      return 'Edm.Decimal';
    case 'double':
      return 'Edm.Double';
    case 'boolean':
      return 'Edm.Boolean';
    case 'datetime':
      return 'Edm.DateTimeOffset';
    case 'dateonly':
      return 'Edm.Date';
    case 'uniqueidentifier':
    case 'lookup':
      return 'Edm.Guid';
  }
}
