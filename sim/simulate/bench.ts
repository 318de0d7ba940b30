import { performance } from 'node:perf_hooks';
import { formatDuration } from '../../core/duration.js';
import type { SolutionModel } from '../../solution/model.js';
import type { ZipEntry } from '../../core/io/zip.js';
import { runScenario, worldOf } from './run.js';
import { SCENARIOS } from './scenarios.js';
import { Simulation } from './session.js';

interface SimulationInput {
  entries: readonly ZipEntry[];
  label: string;
  model: SolutionModel;
}

/** Per scenario: flow runs and the calls each side answered. */
export async function scenarioRows(input: SimulationInput): Promise<string[][]> {
  const rows: string[][] = [];
  for (const scenario of SCENARIOS) {
    const result = await runScenario(scenario, input);
    const pc = result.connectorCalls.filter((call) => call.api === 'Partner Center').length;
    rows.push([
      scenario.name,
      result.passed ? 'pass' : 'FAIL',
      String(result.runs.length),
      String(pc),
      String(result.connectorCalls.length - pc),
      formatDuration(result.virtualMs),
    ]);
  }
  return rows;
}

/**
 * Calls per synced change against the minimum (one Partner Center read per inbound event, one write per
 * outbound change, none for echoes), and the virtual latency from a change to the write on the other side.
 */
export async function perChangeRows(input: SimulationInput): Promise<string[][]> {
  const world = worldOf(input.model);
  const sim = await Simulation.start({ ...input });
  try {
    await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
    const mark = () => ({ calls: sim.connectorCalls.length, at: sim.clock.now().getTime() });
    const since = (start: { calls: number }) => sim.connectorCalls.slice(start.calls);
    const count = (calls: typeof sim.connectorCalls, api: string, operation?: string) =>
      calls.filter((call) => call.api === api && (!operation || call.operationId === operation)).length;

    const inbound = mark();
    const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Bench inbound' });
    await sim.settle();
    const inboundCalls = since(inbound);
    const upsert = inboundCalls.find((call) => call.operationId === 'UpdateRecord');
    const opportunity = sim.dataverse.rows('opportunities').find((row) => row[world.column('ReferralIdentifier')] === shared.id)!;

    const outbound = mark();
    sim.dataverse.userUpdate('opportunities', String(opportunity.opportunityid), { estimatedvalue: 123456 });
    await sim.settle();
    const outboundCalls = since(outbound);
    const patch = outboundCalls.find((call) => call.operationId === 'PatchReferralById');

    const echoesBefore = echoRuns(sim);
    const edit = mark();
    sim.partnerCenter.editAsPartnerUser(String(shared.id), [{ op: 'replace', path: '/details/notes', value: 'Edited in Partner Center' }]);
    await sim.settle();
    const editCalls = since(edit);
    const editWrite = editCalls.find((call) => call.operationId === 'UpdateRecord');

    const latency = (start: { at: number }, call?: { at: string }) =>
      call ? formatDuration(new Date(call.at).getTime() - start.at) : 'n/a';
    return [
      [
        'inbound event (referral shared)',
        `${count(inboundCalls, 'Partner Center', 'GetReferralById')} read (min 1)`,
        String(count(inboundCalls, 'Partner Center')),
        String(count(inboundCalls, 'Dataverse')),
        latency(inbound, upsert),
      ],
      [
        'outbound change (deal value)',
        `${count(outboundCalls, 'Partner Center', 'PatchReferralById')} write (min 1)`,
        String(count(outboundCalls, 'Partner Center')),
        String(count(outboundCalls, 'Dataverse')),
        latency(outbound, patch),
      ],
      [
        'inbound update (Partner Center edit) and its echo',
        `${count(editCalls, 'Partner Center', 'GetReferralById')} read, ${count(editCalls, 'Partner Center', 'PatchReferralById')} write back (min 1, 0); echo runs stopped: ${echoRuns(sim) - echoesBefore}`,
        String(count(editCalls, 'Partner Center')),
        String(count(editCalls, 'Dataverse')),
        latency(edit, editWrite),
      ],
    ];
  } finally {
    await sim.stop();
  }
}

const echoRuns = (sim: Simulation): number =>
  sim
    .runs()
    .filter(
      (run) =>
        run.flowName === 'Dynamics 365 to Partner Center' &&
        run.actions.some((action) => action.name === 'Stop_echo' && action.status === 'Succeeded'),
    ).length;

/** Wall time to bring `count` shared referrals into Dynamics end to end (webhook → flows → both emulators). */
export async function inboundVolume(input: SimulationInput, count: number): Promise<{ ms: number; opportunities: number }> {
  const sim = await Simulation.start({ ...input });
  try {
    await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
    const started = performance.now();
    for (let index = 0; index < count; index += 1) {
      sim.partnerCenter.shareReferralFromMicrosoft({ name: `Volume referral ${index}` });
      if (index % 50 === 49) await sim.settle();
    }
    await sim.settle();
    return { ms: performance.now() - started, opportunities: sim.dataverse.rows('opportunities').length };
  } finally {
    await sim.stop();
  }
}
