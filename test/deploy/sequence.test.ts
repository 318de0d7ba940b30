import { childFlowIds } from '../../flows/activation.js';
import { deploy, type DeployOptions } from '../../deploy/sequence.js';
import { validateSettings } from '../../deploy/settings.js';
import type { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import type { Fetch } from '../../deploy/web-api.js';
import { builtPackage, clientOf, connectionIdOf, filledSettings, idSequence, requestLines, startEnvironment } from './support.js';

const v1 = builtPackage('1.0.0.0');
const v2 = builtPackage('1.0.0.1');
const settingsFor = (pkg = v1) => validateSettings(filledSettings(pkg), pkg, 'staging.json');

let dv: DataverseEmulator;
let clock: Awaited<ReturnType<typeof startEnvironment>>['clock'];
beforeEach(async () => {
  ({ dv, clock } = await startEnvironment());
});
afterEach(() => dv.stop());

function options(pkg = v1, fetchImpl?: Fetch): DeployOptions & { sleeps: number[] } {
  const { api, sleeps, sleep } = clientOf(dv, clock, fetchImpl);
  return { api, pkg, settings: settingsFor(pkg), sleep, newId: idSequence(), sleeps };
}

const PLAN = [
  "GET importjobs?$select=importjobid,startedon,progress&$filter=solutionname eq 'CoSellSync' and completedon eq null",
  "GET solutions?$select=solutionid,uniquename,version,ismanaged&$filter=uniquename eq 'CoSellSync'",
];
const READ_FLOWS = 'GET workflows?$select=workflowid,name,statecode,statuscode&$filter=category eq 5';
const pollLine = (line: string): boolean => line.startsWith('GET asyncoperations(');

/** The import requests between the plan and the flows: stage, start, polls, result, import job. */
function importLines(action: 'ImportSolutionAsync' | 'StageAndUpgradeAsync', lines: string[]): string[] {
  const job = '00000000-0000-4000-8000-000000000001';
  const polls = lines.filter(pollLine);
  return [
    'POST StageSolution',
    `POST ${action}`,
    ...polls,
    `GET RetrieveSolutionImportResult(ImportJobId=${job})`,
    `GET importjobs(${job})?$select=progress,completedon,data`,
  ];
}

/** Each flow is turned on after the child flows it calls. */
function expectChildrenFirst(lines: string[]): void {
  const order = lines.filter((line) => line.startsWith('PATCH workflows(')).map((line) => line.slice('PATCH workflows('.length, -1));
  for (const flow of v1.flows) {
    for (const child of childFlowIds(flow.document)) expect(order.indexOf(child)).toBeLessThan(order.indexOf(flow.id));
  }
}

describe('deploy: first install', () => {
  test('plan → StageSolution → ImportSolutionAsync with the settings → polls → result → job → every flow on, children first', async () => {
    const run = options();
    const result = await deploy(run);
    const lines = requestLines(dv);
    const patches = v1.flows.map(() => expect.stringMatching(/^PATCH workflows\([0-9a-f-]{36}\)$/));
    expect(lines).toEqual([...PLAN, ...importLines('ImportSolutionAsync', lines), READ_FLOWS, ...patches]);
    // Import takes 30 s of emulator time; polls wait 5, 7.5, 11.25, 16.875 s: five polls, the last one done.
    expect(lines.filter(pollLine)).toHaveLength(5);
    expect(run.sleeps).toEqual([5000, 7500, 11250, 16875]);
    expectChildrenFirst(lines);

    const start = dv.calls.find((call) => call.path.endsWith('ImportSolutionAsync'))!.requestBody as Record<string, unknown>;
    const uploadId = (dv.calls.find((call) => call.path.endsWith('StageSolution'))!.requestBody as { CustomizationFile: string })
      .CustomizationFile;
    expect(Buffer.from(uploadId, 'base64').equals(Buffer.from(v1.bytes))).toBe(true);
    expect(start).toEqual({
      OverwriteUnmanagedCustomizations: false,
      PublishWorkflows: true,
      ImportJobId: '00000000-0000-4000-8000-000000000001',
      ComponentParameters: [
        ...v1.connectionReferences.map((reference) => ({
          '@odata.type': 'Microsoft.Dynamics.CRM.connectionreference',
          connectionreferencelogicalname: reference.logicalName,
          connectionid: connectionIdOf(reference.logicalName),
          connectorid: reference.connectorId,
        })),
        ...v1.envVars.map((variable) => ({
          '@odata.type': 'Microsoft.Dynamics.CRM.environmentvariablevalue',
          schemaname: variable.schemaName,
          value: variable.defaultValue,
        })),
      ],
      SolutionParameters: { StageSolutionUploadId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(dv.calls.filter((call) => call.path.startsWith('/api/data/v9.2/workflows(')).map((call) => call.requestBody)).toEqual(
      v1.flows.map(() => ({ statecode: 1, statuscode: 2 })),
    );

    expect(result.ok).toBe(true);
    expect(result.plan.action).toBe('install');
    expect(result.flows.filter((flow) => flow.turnedOn)).toHaveLength(v1.flows.length);
    expect([...dv.alm.solutions.values()].map((row) => [row.uniquename, row.version, row.ismanaged])).toEqual([
      ['CoSellSync', '1.0.0.0', true],
    ]);
    expect([...dv.alm.workflows.values()].every((row) => row.statecode === 1)).toBe(true);
    expect([...dv.alm.envVarValues.values()].map((row) => [row.schemaname, row.value])).toEqual(
      v1.envVars.map((variable) => [variable.schemaName, variable.defaultValue]),
    );
  });

  test('--dry-run reads the plan and changes nothing', async () => {
    const result = await deploy({ ...options(), dryRun: true });
    expect(requestLines(dv)).toEqual(PLAN);
    expect(result.plan.steps[1]).toMatch(/^ImportSolutionAsync CoSellSync 1\.0\.0\.0 \(first install\)/);
    expect(dv.alm.solutions.size).toBe(0);
  });
});

describe('deploy: upgrade and re-run', () => {
  test('a higher version goes through StageAndUpgradeAsync; flows already on stay on without a call', async () => {
    await deploy(options(v1));
    dv.calls.length = 0;
    const result = await deploy(options(v2));
    const lines = requestLines(dv);
    expect(lines).toEqual([...PLAN, ...importLines('StageAndUpgradeAsync', lines), READ_FLOWS]);
    expect(result.plan).toMatchObject({ action: 'upgrade', installedVersion: '1.0.0.0', version: '1.0.0.1' });
    expect(result.flows.every((flow) => flow.on && !flow.turnedOn)).toBe(true);
    expect([...dv.alm.solutions.values()].map((row) => row.version)).toEqual(['1.0.0.1']);
  });

  test('the same version again imports nothing and writes only the values that differ', async () => {
    await deploy(options(v1));
    dv.calls.length = 0;
    const changed = options(v1);
    changed.settings = validateSettings(
      {
        ...filledSettings(v1),
        EnvironmentVariables: filledSettings(v1).EnvironmentVariables.map((entry) =>
          entry.SchemaName === 'pcs_Checkmark' ? { ...entry, Value: 'no' } : entry,
        ),
      },
      v1,
      'staging.json',
    );
    const result = await deploy(changed);
    const valueId = [...dv.alm.envVarValues.values()].find((row) => row.schemaname === 'pcs_Checkmark')!
      .environmentvariablevalueid as string;
    expect(requestLines(dv)).toEqual([
      ...PLAN,
      'GET environmentvariabledefinitions?$select=environmentvariabledefinitionid,schemaname&$expand=environmentvariabledefinition_environmentvariablevalue($select=environmentvariablevalueid,value)',
      `PATCH environmentvariablevalues(${valueId})`,
      'GET connectionreferences?$select=connectionreferenceid,connectionreferencelogicalname,connectionid',
      READ_FLOWS,
    ]);
    expect(dv.calls.find((call) => call.method === 'PATCH')!.requestBody).toEqual({ value: 'no' });
    expect(result).toMatchObject({ ok: true, settingsChanged: ['pcs_Checkmark'], plan: { action: 'same-version' } });
  });
});

describe('deploy: failures', () => {
  test('a lower version is refused after the plan, before any write', async () => {
    await deploy(options(v2));
    dv.calls.length = 0;
    await expect(deploy(options(v1))).rejects.toThrow(
      'CoSellSync 1.0.0.1 is installed and CoSellSync_1_0_0_0_managed.zip is the lower version 1.0.0.0; deploy never downgrades\n  fix: deploy a zip with a higher version',
    );
    expect(requestLines(dv)).toEqual(PLAN);
  });

  test('missing dependencies stop at StageSolution, naming each; nothing is imported', async () => {
    dv.alm.lackComponents([{ requiredType: 1, requiredSchemaName: 'msdyn_forecastdefinition', requiredSolution: 'msdynce_Sales' }]);
    await expect(deploy(options())).rejects.toThrow(
      /StageSolution did not pass \(Failed\); the environment lacks: msdyn_forecastdefinition \(type 1, from solution msdynce_Sales\)/,
    );
    expect(requestLines(dv)).toEqual([...PLAN, 'POST StageSolution']);
    expect(dv.alm.solutions.size).toBe(0);
  });

  test('a connection that does not exist in the environment fails the import with its message; nothing is installed', async () => {
    const run = options();
    run.settings.ConnectionReferences[0]!.ConnectionId = 'conn-deleted';
    await expect(deploy(run)).rejects.toThrow(
      `the import of CoSellSync 1.0.0.0 failed (operation status 31, result Failed): Connection 'conn-deleted' for connection reference '${v1.connectionReferences[0]!.logicalName}' was not found in the environment.`,
    );
    expect(dv.alm.solutions.size).toBe(0);
    expect(requestLines(dv).at(-1)).toMatch(/^GET importjobs\(/);
  });

  test('429 answers are waited out for the Retry-After seconds, then the same request is sent again', async () => {
    dv.alm.throttleNext(2, 7);
    const run = options();
    const result = await deploy(run);
    expect(result.ok).toBe(true);
    expect(dv.calls.slice(0, 3).map((call) => [call.status, call.path.slice(15, 25)])).toEqual([
      [429, 'importjobs'],
      [429, 'importjobs'],
      [200, 'importjobs'],
    ]);
    expect(run.sleeps.slice(0, 2)).toEqual([7000, 7000]);
  });

  test('a failed component inside an import whose operation succeeded fails the deploy, naming the component', async () => {
    const reconciliation = v1.flows.find((flow) => /Reconciliation/.test(flow.name))!;
    dv.alm.failComponentOnNextImport(reconciliation.name, 'The workflow definition could not be saved.');
    const run = options();
    await expect(deploy(run)).rejects.toThrow(
      `the import of CoSellSync 1.0.0.0 reported success but 1 component(s) failed: node "${reconciliation.name}": The workflow definition could not be saved.`,
    );
    const operation = dv.calls.filter((call) => call.path.includes('asyncoperations(')).at(-1)!;
    expect(operation.status).toBe(200);
  });

  test('a flow whose connection is gone stays off with the reason; the flows that call it stay off too', async () => {
    const events = v1.connectionReferences.find((reference) => /Events/.test(reference.logicalName))!;
    const run = options();
    // The import needs the connection; it is deleted (by a maker, say) once the import is done, before the flows go on.
    const progress: string[] = [];
    const result = await deploy({
      ...run,
      progress: (line) => {
        progress.push(line);
        if (line.startsWith('import:')) dv.alm.connections.delete(connectionIdOf(events.logicalName));
      },
    });
    expect(result.ok).toBe(false);
    const off = result.flows.filter((flow) => !flow.on);
    expect(off.length).toBeGreaterThan(0);
    for (const flow of off)
      expect(flow.reason).toMatch(/^XrmConnectionReferenceMissingConnection: .*pcs_PartnerCenterEvents|^its child flow/);
    expect(progress.filter((line) => line.includes('left off'))).toHaveLength(off.length);
  });
});

describe('deploy: interrupted at each request, then run again', () => {
  test('every cut finishes on the second run with one solution, one import and every flow on', async () => {
    await dv.stop();
    const total = await (async () => {
      ({ dv, clock } = await startEnvironment());
      await deploy(options());
      const count = dv.calls.length;
      await dv.stop();
      return count;
    })();
    for (let cut = 1; cut < total; cut += 1) {
      ({ dv, clock } = await startEnvironment());
      let sent = 0;
      const dying: Fetch = async (url, init) => {
        const response = await fetch(url, init);
        sent += 1;
        if (sent === cut) throw new Error('killed');
        return response;
      };
      await expect(deploy(options(v1, dying))).rejects.toThrow();
      const rerun = await deploy(options());
      const imports = dv.calls.filter((call) => call.path.endsWith('ImportSolutionAsync') && call.status === 200);
      expect({ cut, ok: rerun.ok, imports: imports.length, solutions: dv.alm.solutions.size }).toEqual({
        cut,
        ok: true,
        imports: 1,
        solutions: 1,
      });
      expect([...dv.alm.workflows.values()].filter((row) => row.statecode === 1)).toHaveLength(v1.flows.length);
      await dv.stop();
    }
    ({ dv, clock } = await startEnvironment());
  });
});
