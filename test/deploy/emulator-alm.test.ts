/**
 * The Dataverse emulator's solution lifecycle (CONTRACT.md section L) spoken to directly, without the deploy
 * client: the answers a client must cope with even though ours avoids provoking them.
 */
import type { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { builtZip, startEnvironment } from './support.js';

let dv: DataverseEmulator;
let clock: Awaited<ReturnType<typeof startEnvironment>>['clock'];
beforeEach(async () => {
  ({ dv, clock } = await startEnvironment());
});
afterEach(() => dv.stop());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${dv.apiUrl}/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const importBody = (version = '1.0.0.0') => ({
  OverwriteUnmanagedCustomizations: false,
  PublishWorkflows: true,
  CustomizationFile: Buffer.from(builtZip(version)).toString('base64'),
});

async function importAndWait(version = '1.0.0.0'): Promise<{ operation: Record<string, unknown>; jobId: string }> {
  const started = await call('POST', 'ImportSolutionAsync', importBody(version));
  expect(started.status).toBe(200);
  await clock.sleep(60_000);
  const operation = await call('GET', `asyncoperations(${started.body.AsyncOperationId})?$select=statecode,statuscode,message`);
  return { operation: operation.body, jobId: started.body.ImportJobKey };
}

describe('solution lifecycle of the emulator (section L)', () => {
  test('an import runs: in progress (2/20) until its time has passed, then completed (3/30); the result is refused before', async () => {
    const started = await call('POST', 'ImportSolutionAsync', importBody());
    expect(Object.keys(started.body).sort()).toEqual(['@odata.context', 'AsyncOperationId', 'ImportJobKey']);
    const running = await call('GET', `asyncoperations(${started.body.AsyncOperationId})?$select=statecode,statuscode`);
    expect(running.body).toEqual({ statecode: 2, statuscode: 20 });
    expect((await call('GET', `RetrieveSolutionImportResult(ImportJobId=${started.body.ImportJobKey})`)).status).toBe(400);
    await clock.sleep(30_000);
    expect((await call('GET', `asyncoperations(${started.body.AsyncOperationId})?$select=statecode,statuscode`)).body).toEqual({
      statecode: 3,
      statuscode: 30,
    });
    const result = await call('GET', `RetrieveSolutionImportResult(ImportJobId=${started.body.ImportJobKey})`);
    expect(result.body.SolutionOperationResult).toEqual({ Status: 'Passed', ErrorMessages: [], WarningMessages: [] });
  });

  test('a second import of the solution while one runs is refused at once', async () => {
    expect((await call('POST', 'ImportSolutionAsync', importBody())).status).toBe(200);
    const second = await call('POST', 'ImportSolutionAsync', importBody());
    expect(second.status).toBe(400);
    expect(second.body.error.message).toMatch(
      /^Cannot start another \[Import\] because there is a previous \[Import\] running at this moment\./,
    );
  });

  test('the same managed version again, and a lower version, fail inside the operation (31) with the message', async () => {
    await importAndWait('1.0.0.1');
    const same = await importAndWait('1.0.0.1');
    expect(same.operation).toMatchObject({ statecode: 3, statuscode: 31, message: expect.stringMatching(/already installed/) });
    const lower = await importAndWait('1.0.0.0');
    expect(lower.operation.message).toBe('The import solution must have a higher version than the existing solution it is upgrading.');
    const result = await call('GET', `RetrieveSolutionImportResult(ImportJobId=${lower.jobId})`);
    expect(result.body.SolutionOperationResult.Status).toBe('Failed');
    const job = await call('GET', `importjobs(${lower.jobId})?$select=data`);
    expect(job.body.data).toMatch(
      /<result result="failure" errorcode="0x80048060" errortext="The import solution must have a higher version/,
    );
    expect([...dv.alm.solutions.values()].map((row) => row.version)).toEqual(['1.0.0.1']);
  });

  test('StageAndUpgradeAsync of a solution not installed fails; StageSolution reports the zip and what it needs values for', async () => {
    const upgrade = await call('POST', 'StageAndUpgradeAsync', importBody());
    await clock.sleep(60_000);
    const operation = await call('GET', `asyncoperations(${upgrade.body.AsyncOperationId})?$select=statuscode,message`);
    expect(operation.body).toEqual({ statuscode: 31, message: 'The solution CoSellSync is not installed, so it cannot be upgraded.' });
    const staged = await call('POST', 'StageSolution', { CustomizationFile: importBody().CustomizationFile });
    expect(staged.body.StageSolutionResults).toMatchObject({
      StageSolutionStatus: 'Passed',
      MissingDependencies: [],
      SolutionDetails: { SolutionUniqueName: 'CoSellSync', SolutionVersion: '1.0.0.0', IsManaged: true, ExistingSolutionVersion: null },
    });
    expect(
      staged.body.StageSolutionResults.SolutionComponentsDetails.map((item: { ComponentTypeName: string }) => item.ComponentTypeName),
    ).toEqual(expect.arrayContaining(['Environment Variable Definition', 'Connection Reference']));
  });

  test('flows are imported off; turning one on needs its connections; 429 carries Retry-After; a token is required once asked for', async () => {
    await importAndWait();
    const flows = await call('GET', 'workflows?$select=workflowid,statecode&$filter=category eq 5');
    expect(flows.body.value.every((row: { statecode: number }) => row.statecode === 0)).toBe(true);
    const refused = await call(
      'PATCH',
      `workflows(${flows.body.value[0].workflowid})`,
      { statecode: 1, statuscode: 2 },
      { 'If-Match': '*' },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('XrmConnectionReferenceMissingConnection');

    dv.alm.throttleNext(1, 12);
    const throttled = await call('GET', 'solutions?$select=version');
    expect([throttled.status, throttled.headers.get('retry-after'), throttled.body.error.code]).toEqual([429, '12', '0x80072322']);

    dv.alm.requireAuthorization((header) => header === 'Bearer good');
    expect((await call('GET', 'solutions?$select=version')).status).toBe(401);
    expect((await call('GET', 'opportunities?$top=1')).status).toBe(401);
    expect((await call('GET', 'solutions?$select=version', undefined, { Authorization: 'Bearer good' })).status).toBe(200);
  });

  test('query options the lifecycle tables do not support are refused, not ignored', async () => {
    const answer = await call('GET', 'solutions?$orderby=version');
    expect([answer.status, answer.body.error.code]).toEqual([501, 'EmulatorNotSupported']);
  });
});
