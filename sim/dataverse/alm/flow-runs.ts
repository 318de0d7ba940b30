/**
 * The cloud flow run history table `flowrun` (entity set `flowruns`), as Learn documents it: "Manage cloud flow run
 * history in Dataverse" (one row per run of a solution cloud flow, kept 28 days by default) and the flowrun
 * table reference (columns `flowrunid`, `name`, `starttime`, `endtime`, `duration`, `status`, `errorcode`,
 * `errormessage`, `triggertype`, `workflowid` (text), the `workflow` lookup read as `_workflow_value`, the read-only
 * `workflowname`). CONTRACT.md section L, [L13] [L14].
 *
 * The emulator's flow runtime does not write rows here; tests seed them with `dv.alm.flowRuns.add`. Reads take
 * `$select`, `$filter` (eq/ne joined by and), `$orderby` of one column and `$top`.
 */
import { randomUUID } from 'node:crypto';
import { DataverseError, notSupported, recordNotFound } from '../errors.js';
import { checkOptions, matches, parseFilter, selectColumns, type AlmRow } from './query.js';

const ENTITY = 'flowrun';

/** A run to seed; the emulator fills the columns Dataverse computes. */
export interface FlowRunSeed {
  workflowId: string;
  /** As Power Automate writes it: Succeeded, Failed, Cancelled, Running… */
  status: string;
  startTime: Date;
  endTime?: Date;
  errorCode?: string;
  errorMessage?: string;
  /** Automated, Scheduled or Manual (Learn's trigger types). */
  triggerType?: string;
}

export class FlowRunTable {
  private readonly rows: AlmRow[] = [];

  /** `workflowName(id)`: the name of an installed workflow, undefined when the environment has none with that id. */
  constructor(private readonly workflowName: (workflowId: string) => string | undefined) {}

  /** Seeds one run of an installed cloud flow; returns its row. */
  add(seed: FlowRunSeed): AlmRow {
    const workflowId = seed.workflowId.toLowerCase();
    const name = this.workflowName(workflowId);
    if (name === undefined) throw new Error(`flowRuns.add: no workflow ${seed.workflowId} is installed in this environment`);
    const id = randomUUID();
    const row: AlmRow = {
      flowrunid: id,
      name: `08584${id.replace(/-/g, '').slice(0, 21).toUpperCase()}`,
      starttime: seed.startTime.toISOString(),
      endtime: seed.endTime?.toISOString() ?? null,
      duration: seed.endTime ? seed.endTime.getTime() - seed.startTime.getTime() : null,
      status: seed.status,
      errorcode: seed.errorCode ?? null,
      errormessage: seed.errorMessage ?? null,
      triggertype: seed.triggerType ?? 'Manual',
      workflowid: workflowId,
      _workflow_value: workflowId,
      workflowname: name,
      isprimary: 1,
      parentrunid: null,
      ttlinseconds: 2_419_200,
      createdon: seed.startTime.toISOString(),
    };
    this.rows.push(row);
    return row;
  }

  answer(method: string, key: string | undefined, query: URLSearchParams): { status: number; body: unknown } {
    if (method !== 'GET') throw notSupported(`${method} flowruns (the emulator serves the run history read-only)`);
    if (key !== undefined) {
      checkOptions(query, ['$select']);
      const id = key.replace(/^flowrunid=/, '').toLowerCase();
      const row = this.rows.find((candidate) => candidate.flowrunid === id);
      if (!row) throw recordNotFound(ENTITY, id);
      return { status: 200, body: selectColumns(row, query.get('$select'), ENTITY) };
    }
    checkOptions(query, ['$select', '$filter', '$orderby', '$top']);
    const filter = query.get('$filter');
    const comparisons = filter ? parseFilter(filter) : [];
    let rows = this.rows.filter((row) => matches(row, comparisons, ENTITY));
    const orderBy = query.get('$orderby');
    if (orderBy) rows = ordered(rows, orderBy);
    const top = query.get('$top');
    if (top !== null) {
      if (!/^\d+$/.test(top)) throw new DataverseError(400, '0x0', `Invalid value '${top}' for $top query option found.`);
      rows = rows.slice(0, Number(top));
    }
    return { status: 200, body: { value: rows.map((row) => selectColumns(row, query.get('$select'), ENTITY)) } };
  }
}

/** `$orderby=<column> [asc|desc]` (one column; nulls first ascending, as SQL Server sorts them). */
function ordered(rows: AlmRow[], orderBy: string): AlmRow[] {
  const match = /^\s*([A-Za-z_]\w*)(?:\s+(asc|desc))?\s*$/.exec(orderBy);
  if (!match) throw notSupported(`$orderby=${orderBy} on flowruns (one column, asc or desc)`);
  const column = match[1]!;
  if (rows.length > 0 && !(column in rows[0]!))
    throw new DataverseError(400, '0x0', `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.${ENTITY}'.`);
  const sign = match[2] === 'desc' ? -1 : 1;
  const compare = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null || a === undefined) return -1;
    if (b === null || b === undefined) return 1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
  };
  return [...rows].sort((a, b) => sign * compare(a[column], b[column]));
}
