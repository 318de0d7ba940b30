/** Real exported flows (approvals kit fixtures) register and run through the same runtime. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualClock } from '../../sim/runtime/clock.js';
import { FlowRuntime } from '../../sim/runtime/runtime.js';
import { describeWithShared, REAL_SOLUTIONS, requireShared } from '../support/fixtures.js';
import { FakeConnectors, ok, statuses, type Json } from './support.js';

const DIRECTORY = join(REAL_SOLUTIONS, 'approvals-kit-unpacked', 'Workflows');

describeWithShared('real exported flows', () => {
  const connectors = new FakeConnectors(() => ok({ value: [] }));
  const runtime = new FlowRuntime({ clock: new VirtualClock('2024-05-06T08:00:00Z'), connectors });
  let files: string[] = [];
  beforeAll(() => {
    requireShared();
    files = readdirSync(DIRECTORY).filter((file) => file.endsWith('.json'));
    for (const file of files)
      runtime.register({
        id: file.replace(/-[0-9A-F-]+\.json$/, ''),
        name: file,
        document: JSON.parse(readFileSync(join(DIRECTORY, file), 'utf8')),
      });
  });

  test('all of them register; their row triggers and recurrences are found', () => {
    expect(files).toHaveLength(4);
    expect(runtime.rowSubscriptions()).toEqual([
      { flowId: 'BACoreRuntime-StartApproval', subscription: { message: 1, entity: 'cat_businessapprovalinstance' } },
    ]);
    expect(runtime.recurrences()).toEqual([
      { flowId: 'BACoreDailyCalculateApprovalTimeouts', frequency: 'Day', interval: 1 },
      { flowId: 'BACoreSyncApproverOOF', frequency: 'Hour', interval: 24 },
    ]);
  });

  test('a recurrence flow runs to the end on empty Dataverse answers', async () => {
    const run = await runtime.runRecurrence('BACoreSyncApproverOOF');
    expect(run.status).toBe('Succeeded');
    expect(statuses(run)).toMatchObject({ Clear_OOF_State: 'Succeeded', Set_OOF_State: 'Succeeded' });
    expect(connectors.calls.map((call) => [call.apiName, call.operationId, (call.parameters as Json).entityName])).toEqual([
      ['shared_commondataserviceforapps', 'ListRecords', 'cat_businessapproveroofs'],
      ['shared_commondataserviceforapps', 'ListRecords', 'cat_businessapproveroofs'],
    ]);
  });
});
