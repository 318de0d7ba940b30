import type { Labels } from './labels.js';

/**
 * The typed solution model: the single source of truth for every schema name, label and id in the
 * package. Generators turn it into XML/JSON; later parts (flows, PCF, simulator) read names from it.
 */

export type RequiredLevel = 'none' | 'recommended' | 'required';

export interface ChoiceOption {
  /** Stable key the flows' value maps use (e.g. Partner Center's enum value). */
  readonly key: string;
  readonly value: number;
  readonly label: Labels;
}

/** A global choice (option set), root component type 9. */
export interface GlobalChoice {
  readonly schemaName: string;
  readonly label: Labels;
  readonly description: Labels;
  readonly options: readonly ChoiceOption[];
}

interface ColumnBase {
  /** Schema name with the publisher prefix, e.g. `pcs_ReferralIdentifier`. */
  readonly schemaName: string;
  /** Lower-case schema name, used by the Web API, forms and flows. */
  readonly logicalName: string;
  readonly label: Labels;
  readonly description: Labels;
  readonly requiredLevel: RequiredLevel;
  readonly audit: boolean;
}

export type Column =
  | (ColumnBase & { readonly kind: 'boolean'; readonly defaultValue: boolean; readonly trueLabel: Labels; readonly falseLabel: Labels })
  | (ColumnBase & { readonly kind: 'text'; readonly format: 'text' | 'url'; readonly maxLength: number })
  | (ColumnBase & { readonly kind: 'memo'; readonly maxLength: number })
  | (ColumnBase & { readonly kind: 'choice'; readonly multiSelect: boolean; readonly choice: GlobalChoice; readonly defaultValue?: number })
  | (ColumnBase & { readonly kind: 'datetime' })
  | (ColumnBase & { readonly kind: 'lookup'; readonly targetEntity: string });

export interface EntityKey {
  readonly schemaName: string;
  readonly logicalName: string;
  readonly label: Labels;
  /** Logical names of the key's columns. */
  readonly columns: readonly string[];
}

/** A Microsoft-owned table the solution extends (root type 1, behavior 2: shell only). */
export interface ExtendedTable {
  readonly kind: 'extended';
  /** Schema name as Dataverse spells it (`Opportunity`). */
  readonly schemaName: string;
  readonly logicalName: string;
  /**
   * Dataverse's own display name in the base language (`Opportunity`), written only where exports name a
   * shell: `<Name LocalizedName OriginalName>`. The shell carries no LocalizedNames, LocalizedCollectionNames
   * or Descriptions: those would be our managed layer's display names on a table we do not own, and could
   * undo another managed solution's (real behavior-2 shells such as CRMP2C_managed's Contact carry none).
   */
  readonly displayName: string;
  readonly columns: readonly Column[];
  readonly keys: readonly EntityKey[];
}

/** System view kinds and their savedquery querytype codes (as exports write them). */
export const ViewKind = { Public: 0, AdvancedFind: 1, Associated: 2, QuickFind: 4, Lookup: 64 } as const;

/** A system view (savedquery) of a table the solution creates. */
export interface View {
  readonly id: string;
  readonly queryType: (typeof ViewKind)[keyof typeof ViewKind];
  readonly isDefault: boolean;
  readonly label: Labels;
  /** Logical names of the columns shown, first one is the link column. */
  readonly columns: readonly string[];
  /** statecode the view lists (0 active, 1 inactive). */
  readonly stateCode: 0 | 1;
  /** Columns searched by quick find (quick find views only). */
  readonly quickFindColumns?: readonly string[];
}

/** The main form of a table the solution creates. */
interface TableForm {
  readonly id: string;
  readonly label: Labels;
  /** Logical names of the columns on the form, in order. */
  readonly fields: readonly string[];
}

/** A table the solution creates (root type 1, behavior 0). */
export interface CustomTable {
  readonly kind: 'custom';
  readonly schemaName: string;
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly label: Labels;
  readonly collectionLabel: Labels;
  readonly description: Labels;
  /** The primary name column (`PrimaryName` display mask). */
  readonly primaryName: Column & { kind: 'text' };
  readonly columns: readonly Column[];
  readonly keys: readonly EntityKey[];
  readonly views: readonly View[];
  readonly form: TableForm;
}

export type Table = ExtendedTable | CustomTable;

/** A 1:N relationship; the lookup column lives on the referencing (child) table. */
export interface Relationship {
  readonly schemaName: string;
  /** Schema name of the parent table (`Opportunity`). */
  readonly referencedEntity: string;
  /** Schema name of the child table. */
  readonly referencingEntity: string;
  /** Schema name of the lookup column on the child. */
  readonly referencingAttribute: string;
  readonly cascade: 'parental' | 'referential';
  readonly description: Labels;
}

type EnvironmentVariableType = 'String' | 'Number' | 'Boolean' | 'JSON';

export interface EnvironmentVariable {
  readonly schemaName: string;
  readonly type: EnvironmentVariableType;
  readonly label: Labels;
  readonly description: Labels;
  /** The default value only: current values are per environment and never shipped. */
  readonly defaultValue: string | number | boolean;
}

export interface ConnectionReference {
  readonly logicalName: string;
  readonly displayName: string;
  /** The connector's api name, e.g. `shared_partnercenterref`. */
  readonly apiName: string;
  readonly description: string;
}

/** A field placed in the Partner Center form section. */
export interface FormField {
  readonly column: string;
  readonly readOnly: boolean;
}

/** A grid of related rows (e.g. the opportunity's Partner Center solutions) placed in a form section. */
export interface FormSubgrid {
  readonly name: string;
  readonly label: Labels;
  /** Logical name of the related table. */
  readonly targetEntity: string;
  /** Schema name of the 1:N relationship. */
  readonly relationship: string;
  readonly viewId: string;
}

/** A code component property bound to a column of the form's table. */
interface ControlBinding {
  /** Manifest property name (`<property name=…>`). */
  readonly property: string;
  /** Logical name of the column it is bound to. */
  readonly column: string;
}

/**
 * A code component that draws the section: it replaces the classic control of the anchor field's cell
 * (controlDescription with the classic fallback and one customControl per form factor), and the other
 * fields stay on the form as hidden cells so their values load and field security applies.
 */
export interface SectionControl {
  /** `CodeComponent.name` of a control in `SolutionModel.controls`. */
  readonly control: string;
  /** Logical name of the section field whose cell shows the control (one of `fields`). */
  readonly anchor: string;
  /** Bound properties, each with its column. */
  readonly bindings: readonly ControlBinding[];
}

export interface FormSection {
  readonly name: string;
  readonly label: Labels;
  readonly fields: readonly FormField[];
  readonly subgrid?: FormSubgrid;
  readonly control?: SectionControl;
}

/**
 * Where a diff puts the section on a form another solution owns. `newTab`: a tab of its own, added under
 * `<tabs>` (a diff can add it knowing only the form id, as Hackathon28092023's diff of the Sales Hub
 * opportunity form adds its "Plan" tab). `existingTab`: a section in a column of a tab the admin names; the
 * tab and column are then only the path to it and repeat that tab's id and that column's id and width.
 */
export type DiffTarget =
  | { readonly kind: 'newTab'; readonly tabName: string; readonly label: Labels }
  | {
      readonly kind: 'existingTab';
      readonly tabId: string;
      readonly tabName?: string;
      readonly columnIndex: number;
      readonly columnWidth: string;
    };

/**
 * How the Partner Center section reaches the opportunity form: as a new main form owned by this
 * solution (full FormXml), or added to an existing form (diff FormXml, `solutionaction="Added"`, which is
 * how Dataverse merges into a Microsoft-owned form). A diff repeats the form's name and description as
 * that form has them, in the base language only: it must not rename another solution's form.
 */
export type FormPlacement =
  | { readonly mode: 'newMainForm'; readonly formId: string; readonly name: Labels }
  | {
      readonly mode: 'existingForm';
      readonly formId: string;
      readonly target: DiffTarget;
      /** The form's base-language (1033) name, as it has it. */
      readonly name: string;
      /** The form's base-language description, as it has it, when known. */
      readonly description?: string;
      /** The form's own IntroducedVersion, when known (exports of a diff repeat it). */
      readonly introducedVersion?: string;
    };

export interface OpportunityForm {
  readonly entity: string;
  readonly placement: FormPlacement;
  readonly section: FormSection;
}

/** A cloud flow (modern flow, workflow category 5); the flows issue fills the list. */
export interface CloudFlow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The whole `Workflows/<file>.json` document. */
  readonly document: unknown;
}

/** A `<property>` of a control manifest, as the form binding needs it. */
export interface ControlProperty {
  readonly name: string;
  readonly usage: 'bound' | 'input' | 'output';
  /** The `of-type`, or the types of its `of-type-group`. */
  readonly types: readonly string[];
  readonly required: boolean;
}

/** A PCF code component (root type 66). */
export interface CodeComponent {
  /** `<prefix>_<namespace>.<constructor>`. */
  readonly name: string;
  /** Files under `Controls/<name>/` (ControlManifest.xml first). */
  readonly files: ReadonlyArray<{ readonly path: string; readonly data: Uint8Array }>;
  /** The manifest's properties (read from ControlManifest.xml); forms bind by them. */
  readonly properties?: readonly ControlProperty[];
}

interface Publisher {
  readonly uniqueName: string;
  readonly displayName: string;
  readonly description: string;
  readonly prefix: string;
  readonly optionValuePrefix: number;
}

interface SolutionInfo {
  readonly uniqueName: string;
  readonly displayName: string;
  readonly description: string;
  readonly version: string;
}

export interface SolutionModel {
  readonly publisher: Publisher;
  readonly solution: SolutionInfo;
  readonly tables: readonly Table[];
  readonly choices: readonly GlobalChoice[];
  readonly relationships: readonly Relationship[];
  readonly environmentVariables: readonly EnvironmentVariable[];
  readonly connectionReferences: readonly ConnectionReference[];
  readonly forms: readonly OpportunityForm[];
  readonly flows: readonly CloudFlow[];
  readonly controls: readonly CodeComponent[];
  /** The partner's own mapping rows and the columns they use (pac.config.json "mappings"), when there are any. */
  readonly partnerMappings?: PartnerMappings;
}

/**
 * A column of the partner's (not created by this solution: the package declares it as a dependency), as
 * pac.config.json "mappings" declares it.
 */
export type PartnerColumn = {
  readonly table: 'opportunity';
  readonly logicalName: string;
  readonly displayName?: string;
  /** The solution holding it, as dependencies name it (`ContosoSales (1.0.0.0)`); `Active` (unmanaged) when not given. */
  readonly solution?: string;
} & (
  | { readonly type: 'text'; readonly maxLength: number }
  | { readonly type: 'number' | 'date' | 'boolean' }
  | { readonly type: 'choice'; readonly options: readonly number[] }
);

export interface PartnerMappingRow {
  /** JSON pointer into the referral (contracts/referral-fields.ts lists the allowed ones). */
  readonly referralPath: string;
  /** Logical name of a declared partner column. */
  readonly column: string;
  readonly direction: 'toDynamics' | 'toPartnerCenter' | 'both';
  /** For a choice column: Partner Center value → option value. */
  readonly valueMap?: Readonly<Record<string, number>>;
}

export interface PartnerMappings {
  readonly columns: readonly PartnerColumn[];
  readonly rows: readonly PartnerMappingRow[];
}
