/**
 * status and the webhook registration: the last run of the registration flow, read from the cloud flow run history
 * (flowrun table, CONTRACT.md section L [L13] [L14]), against the Dataverse emulator over HTTP.
 */
import { deploy } from '../../deploy/sequence.js';
import { validateSettings } from '../../deploy/settings.js';
import { formatStatus, readStatus } from '../../deploy/status.js';
import { webhookSteps } from '../../deploy/webhook.js';
import type { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { builtPackage, clientOf, filledSettings, requestLines, startEnvironment } from './support.js';

const pkg = builtPackage();
const registration = webhookSteps(pkg, 'https://x')!;
let dv: DataverseEmulator;
let clock: Awaited<ReturnType<typeof startEnvironment>>['clock'];

beforeEach(async () => {
  ({ dv, clock } = await startEnvironment());
});
afterEach(() => dv.stop());

async function installed(): Promise<void> {
  const { api, sleep } = clientOf(dv, clock);
  await deploy({ api, pkg, settings: validateSettings(filledSettings(pkg), pkg, 'staging.json'), sleep });
}
/** The registration steps with this environment's URL filled in. */
const stepsHere = (): string[] => webhookSteps(pkg, dv.baseUrl)!.steps;
const status = () => readStatus(clientOf(dv, clock).api, 'staging', pkg.uniqueName, 'pcs', pkg.sha256, pkg);
const seedRun = (status: string, startTime: string, extra: { errorCode?: string; errorMessage?: string } = {}) =>
  dv.alm.flowRuns.add({
    workflowId: registration.registrationFlowId!,
    status,
    startTime: new Date(startTime),
    endTime: new Date(new Date(startTime).getTime() + 4_000),
    ...extra,
  });

test('the package names its registration flow', () => {
  expect(registration.registrationFlow).toMatch(/Webhook Registration/);
  expect(pkg.flows.map((flow) => flow.id)).toContain(registration.registrationFlowId);
});

test('never run: the history has no run of the flow, and the steps to register it are given; healthy is unaffected', async () => {
  await installed();
  const before = dv.calls.length;
  const result = await status();
  expect(result.healthy).toBe(true);
  expect(result.webhook).toEqual({
    registrationFlow: registration.registrationFlow,
    state: 'never run',
    lastRun: null,
    fix: stepsHere(),
  });
  // [L13]: the run history is read with one GET on flowruns, the last run by starttime.
  expect(requestLines(dv).slice(before)).toContain(
    `GET flowruns?$select=starttime,endtime,status,errorcode,errormessage&$filter=_workflow_value eq ${registration.registrationFlowId}&$orderby=starttime desc&$top=1`,
  );
  const text = formatStatus([result]);
  expect(text).toMatch(/webhook {4}NEVER RUN: "[^"]*Webhook Registration" has no run in the flow run history/);
  expect(text).toContain(`1. ${stepsHere()[0]!}`);
});

test('the last run is the latest by start time: a failure after a success is reported as failed, with its error', async () => {
  await installed();
  seedRun('Succeeded', '2026-12-01T09:00:00Z');
  seedRun('Failed', '2026-12-02T09:00:00Z', {
    errorCode: 'ActionFailed',
    errorMessage: 'Forbidden: the events connection is not authorized',
  });
  seedRun('Succeeded', '2026-11-30T09:00:00Z');
  const result = await status();
  expect(result.webhook).toMatchObject({
    state: 'failed',
    lastRun: {
      startTime: '2026-12-02T09:00:00.000Z',
      endTime: '2026-12-02T09:00:04.000Z',
      status: 'Failed',
      errorCode: 'ActionFailed',
      errorMessage: 'Forbidden: the events connection is not authorized',
    },
    fix: stepsHere(),
  });
  expect(formatStatus([result])).toContain('2026-12-02T09:00:00.000Z: FAILED (Failed, ActionFailed: Forbidden');
});

test('a successful last run is reported with its time and no steps; runs of other flows do not count', async () => {
  await installed();
  const other = pkg.flows.find((flow) => flow.id !== registration.registrationFlowId)!;
  dv.alm.flowRuns.add({ workflowId: other.id, status: 'Failed', startTime: new Date('2026-12-03T00:00:00Z') });
  seedRun('Succeeded', '2026-12-02T10:00:00Z');
  const result = await status();
  expect(result.webhook).toMatchObject({ state: 'succeeded', lastRun: { status: 'Succeeded', startTime: '2026-12-02T10:00:00.000Z' } });
  expect(result.webhook!.fix).toBeUndefined();
});

test('before the solution is installed the flow is reported not installed, without reading the history', async () => {
  const result = await status();
  expect(result.webhook).toMatchObject({ state: 'not installed', lastRun: null });
  expect(requestLines(dv).some((line) => line.startsWith('GET flowruns'))).toBe(false);
});

test('an environment whose run history cannot be read still gets its status, the webhook as unknown', async () => {
  await installed();
  dv.faults.serverError({ method: 'GET', path: /flowruns/, status: 503, times: 1 });
  const result = await status();
  expect(result.healthy).toBe(true);
  expect(result.webhook).toMatchObject({ state: 'unknown', lastRun: null, fix: stepsHere() });
  expect(result.webhook!.reason).toMatch(/run history/);
});

describe('the emulator serves the flowrun table as documented [L13]', () => {
  test('$filter on the workflow lookup, $orderby starttime desc, $top, $select; a run by id; writes refused', async () => {
    await installed();
    const first = seedRun('Succeeded', '2026-12-01T09:00:00Z');
    seedRun('Failed', '2026-12-02T09:00:00Z');
    const get = (path: string) =>
      fetch(`${dv.apiUrl}/${path}`).then(async (response) => ({ status: response.status, body: await response.json() }));
    const listed = await get(
      `flowruns?$select=status,starttime,workflowname&$filter=_workflow_value eq ${registration.registrationFlowId}&$orderby=starttime asc&$top=5`,
    );
    expect(listed).toEqual({
      status: 200,
      body: {
        value: [
          { status: 'Succeeded', starttime: '2026-12-01T09:00:00.000Z', workflowname: registration.registrationFlow },
          { status: 'Failed', starttime: '2026-12-02T09:00:00.000Z', workflowname: registration.registrationFlow },
        ],
      },
    });
    const one = await get(`flowruns(${first.flowrunid as string})?$select=duration,workflowid`);
    expect(one.body).toEqual({ duration: 4000, workflowid: registration.registrationFlowId });
    const unknownColumn = await get('flowruns?$select=nosuchcolumn');
    expect(unknownColumn.status).toBe(400);
    const post = await fetch(`${dv.apiUrl}/flowruns`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(post.status).toBe(501);
  });
});
