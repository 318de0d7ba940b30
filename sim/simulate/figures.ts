/**
 * The figures of issue 11 ("No lost and no duplicated data"), measured on the rehearsal: Partner Center calls
 * per synced change against the minimum and the virtual time until both sides hold a change (without faults and
 * under each fault the emulators offer), the calls of a reconciliation pass over unchanged referrals, and the
 * share of the connector's call budget a workload uses. Measurements only: nothing here changes the flows.
 */
import { formatDuration } from '../../core/duration.js';
import type { ZipEntry } from '../../core/io/zip.js';
import type { SolutionModel } from '../../solution/model.js';
import { display } from '../display.js';
import { runSeed, type HistoryMix } from '../history/generate.js';
import { markForSync, opportunityByReferral, sellerOpportunity, type World } from './scenarios.js';
import { worldOf } from './run.js';
import { Simulation, type ConnectorCall } from './session.js';

export interface FiguresInput {
  readonly entries: readonly ZipEntry[];
  readonly label: string;
  readonly model: SolutionModel;
}

/**
 * A synced change is one change a person makes on one side that the sync must carry to the other:
 * - inbound: a Partner Center event about one of our referrals (Microsoft shares one, a partner user edits one);
 *   the minimum is one Partner Center read (GetReferralById), since the webhook carries only the referral's id;
 * - outbound: a seller shares or edits a synced opportunity; the minimum is one Partner Center write
 *   (CreateReferral, PatchReferralById);
 * - echo: the sync's own write coming back as an event or a row change; the minimum is no call at all.
 * A reconciliation pass's minimum is one list call (GetAllReferrals) per page of referrals it lists.
 */
export const MINIMUM_PARTNER_CENTER_CALLS = { inbound: 1, outbound: 1, echo: 0, reconciliationPage: 1 } as const;

/**
 * The Partner Center connectors' documented throttling limit: 100 API calls per connection per 60 seconds
 * (learn.microsoft.com/connectors/partnercenterevents, "Throttling limits"; the Referrals connector's page,
 * learn.microsoft.com/connectors/partnercenterref, gives no figure we could find, so the same limit is assumed
 * for its connection). That is 144,000 calls a day per connection. Issue 11's "10,000 calls a day" is what a
 * commercial connector solution advertises (see ../shared/docs/partner-center.md §2.4), not a documented limit.
 */
export const PARTNER_CENTER_CONNECTOR_LIMIT = { calls: 100, perMs: 60_000 } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
export const PARTNER_CENTER_DAILY_BUDGET = (PARTNER_CENTER_CONNECTOR_LIMIT.calls * DAY_MS) / PARTNER_CENTER_CONNECTOR_LIMIT.perMs;

/** Partner Center's page size for a referral list, and the reconciliation's `$top`. */
const PAGE = 100;
const HOUR_MS = 60 * 60 * 1000;

/** One condition the workload runs under: a fault from the emulators' public fault APIs, switched on at the start. */
export interface FaultCase {
  readonly name: string;
  readonly apply: (sim: Simulation) => void;
}

export const FAULT_CASES: readonly FaultCase[] = [
  { name: 'no fault', apply: () => undefined },
  { name: 'Partner Center down (503) for 5 min', apply: (sim) => sim.partnerCenter.faults.outage({ durationMs: 5 * 60_000 }) },
  {
    name: 'Partner Center throttles (429) for 2 min',
    apply: (sim) => sim.partnerCenter.faults.outage({ durationMs: 2 * 60_000, status: 429 }),
  },
  {
    name: 'webhook dispatcher down for 30 min',
    apply: (sim) => sim.partnerCenter.faults.deliveryOutage({ durationMs: 30 * 60_000 }),
  },
  { name: 'first 2 webhooks lost', apply: (sim) => sim.partnerCenter.faults.dropDeliveries(2) },
  { name: 'every webhook delivered twice', apply: (sim) => sim.partnerCenter.faults.duplicateDeliveries(1000) },
  { name: 'webhooks out of order', apply: (sim) => sim.partnerCenter.faults.deliverOutOfOrder(1000) },
  { name: 'Dataverse throttles (429) for 60 s', apply: (sim) => sim.dataverse.faults.throttle({ forMs: 60_000, retryAfterSeconds: 5 }) },
  { name: 'Dataverse answers 503 three times', apply: (sim) => sim.dataverse.faults.serverError({ times: 3 }) },
  { name: 'Dataverse 2 s slower per request', apply: (sim) => sim.dataverse.faults.latency(2000) },
];

type Direction = 'inbound' | 'outbound';

/** One synced change of the workload: its referral, when it was made, and when it had come to rest. */
interface Change {
  readonly direction: Direction;
  readonly at: number;
  referralId?: string;
  restedAt?: number;
}

export interface WorkloadFigures {
  readonly changes: number;
  readonly minimum: number;
  readonly partnerCenterCalls: readonly ConnectorCall[];
  /** Virtual ms from each change until the other side's last write for it; undefined when it never arrived. */
  readonly convergence: ReadonlyArray<number | undefined>;
}

/**
 * The workload: Microsoft shares two referrals and a seller shares one opportunity, then each of the three deals
 * gets a partner user's edit (notes) and a seller's edit (deal value), each change left to come to rest; an hour
 * later the reconciliation runs once. Nine synced changes (five inbound, four outbound) and one reconciliation page.
 */
export async function runWorkload(input: FiguresInput, fault: FaultCase): Promise<WorkloadFigures> {
  const world = worldOf(input.model);
  const sim = await Simulation.start({ ...input });
  try {
    await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
    const firstCall = sim.connectorCalls.length;
    fault.apply(sim);
    const changes: Change[] = [];
    /** Makes a change (which returns its referral's id when it has one) and lets it come to rest. */
    const change = async (direction: Direction, make: () => unknown): Promise<void> => {
      const entry: Change = { direction, at: sim.clock.now().getTime() };
      changes.push(entry);
      const referralId = await make();
      if (typeof referralId === 'string' && referralId !== '') entry.referralId = referralId;
      await sim.settle();
      entry.restedAt = sim.clock.now().getTime();
    };
    for (const name of ['Figures inbound 1', 'Figures inbound 2']) {
      await change('inbound', () => display(sim.partnerCenter.shareReferralFromMicrosoft({ name }).id));
    }
    await change('outbound', async () => {
      const opportunity = await markForSync(sim, world, sellerOpportunity(sim, world, { name: 'Figures outbound' }), false);
      return display(opportunity[world.column('ReferralIdentifier')]);
    });
    const referrals = changes.map((entry) => entry.referralId).filter((id): id is string => id !== undefined);
    for (const [index, referralId] of referrals.entries()) {
      await change('inbound', () => tryEdit(sim, referralId, [{ op: 'replace', path: '/details/notes', value: `Partner note ${index}` }]));
      const opportunity = opportunityByReferral(sim, world, referralId);
      if (opportunity)
        await change('outbound', () => {
          sim.dataverse.userUpdate('opportunities', display(opportunity.opportunityid), { estimatedvalue: 1000 * (index + 1) });
          return referralId;
        });
    }
    sim.clock.advance(HOUR_MS);
    await sim.runScheduled();
    const inbound = changes.filter((entry) => entry.direction === 'inbound').length;
    return {
      changes: changes.length,
      minimum:
        inbound * MINIMUM_PARTNER_CENTER_CALLS.inbound +
        (changes.length - inbound) * MINIMUM_PARTNER_CENTER_CALLS.outbound +
        MINIMUM_PARTNER_CENTER_CALLS.reconciliationPage,
      partnerCenterCalls: sim.connectorCalls.slice(firstCall).filter((call) => call.api === 'Partner Center'),
      convergence: changes.map((entry) => convergence(sim, world, entry)),
    };
  } finally {
    await sim.stop();
  }
}

/** A partner user's edit (returns the referral's id); Partner Center may refuse it (a referral a fault left closed). */
function tryEdit(
  sim: Simulation,
  referralId: string,
  operations: Parameters<Simulation['partnerCenter']['editAsPartnerUser']>[1],
): string | undefined {
  try {
    sim.partnerCenter.editAsPartnerUser(referralId, operations);
    return referralId;
  } catch {
    return undefined; // refused: nothing to carry
  }
}

/**
 * Virtual ms from a change until both sides hold it: until the last write of its record on the other side (the
 * opportunity holding the referral for an inbound change, the referral for an outbound one) while the change came
 * to rest; when none came then, until the first write of that record afterwards (a later change's sync or the
 * reconciliation carried it). The emulators log each call at the virtual time it commits. Undefined: never arrived.
 */
function convergence(sim: Simulation, world: World, change: Change): number | undefined {
  const referralId = change.referralId?.toLowerCase();
  if (!referralId || change.restedAt === undefined) return undefined;
  let times: number[];
  if (change.direction === 'inbound') {
    const opportunity = opportunityByReferral(sim, world, change.referralId!);
    const names = [referralId, ...(opportunity ? [display(opportunity.opportunityid).toLowerCase()] : [])];
    times = sim.dataverse.calls
      .filter((call) => call.method !== 'GET' && call.status < 300 && OPPORTUNITY_ROW.test(call.path))
      .filter((call) => names.some((name) => call.path.toLowerCase().includes(name)))
      .map((call) => Date.parse(call.time));
  } else {
    times = sim.partnerCenter.calls
      .filter((call) => REFERRAL_WRITES.has(call.operation) && call.status < 300)
      .filter((call) => call.operation === 'CreateReferral' || call.path.toLowerCase().includes(referralId))
      .map((call) => Date.parse(call.at));
  }
  const resting = times.filter((time) => time >= change.at && time <= change.restedAt!);
  const later = times.filter((time) => time > change.restedAt!);
  const arrived = resting.length > 0 ? Math.max(...resting) : later.length > 0 ? Math.min(...later) : undefined;
  return arrived === undefined ? undefined : arrived - change.at;
}

const OPPORTUNITY_ROW = /^\/api\/data\/v[\d.]+\/opportunities\(/;
const REFERRAL_WRITES: ReadonlySet<string> = new Set(['CreateReferral', 'PatchReferralById', 'UpdateReferralById']);

export interface ReconciliationFigures {
  readonly referrals: number;
  readonly pages: number;
  /** Partner Center calls of the pass, by operation. */
  readonly partnerCenter: ReadonlyMap<string, number>;
  readonly dataverseCalls: number;
  readonly flowsRun: readonly string[];
}

/**
 * A reconciliation pass with nothing changed: `count` referrals shared by Microsoft and synced, then an hour
 * later the scheduled flows run once. Every call the pass makes counts, its child runs' included.
 */
export async function reconciliationPass(input: FiguresInput, count: number): Promise<ReconciliationFigures> {
  const sim = await Simulation.start({ ...input });
  try {
    await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
    for (let index = 0; index < count; index += 1) {
      sim.partnerCenter.shareReferralFromMicrosoft({ name: `Reconciled referral ${index}` });
      if (index % 50 === 49) await sim.settle();
    }
    await sim.settle();
    sim.clock.advance(HOUR_MS);
    const firstCall = sim.connectorCalls.length;
    const firstRun = sim.runs().length;
    await sim.runScheduled();
    const calls = sim.connectorCalls.slice(firstCall);
    const partnerCenter = new Map<string, number>();
    for (const call of calls.filter((entry) => entry.api === 'Partner Center')) {
      partnerCenter.set(call.operationId, (partnerCenter.get(call.operationId) ?? 0) + 1);
    }
    return {
      referrals: count,
      pages: Math.max(1, Math.ceil(count / PAGE)),
      partnerCenter,
      dataverseCalls: calls.length - [...partnerCenter.values()].reduce((sum, n) => sum + n, 0),
      flowsRun: [
        ...new Set(
          sim
            .runs()
            .slice(firstRun)
            .map((run) => run.flowName),
        ),
      ],
    };
  } finally {
    await sim.stop();
  }
}

/**
 * Partner Center calls a day for `deals` deals each changing `changesPerDay` times, at `callsPerChange` calls per
 * synced change, plus 24 reconciliation passes that each list every deal changed in the last day (the pass looks
 * back a day) at `listCallsPerPage` per page; and their share of the connector's documented budget.
 */
export function dailyBudget(options: { deals: number; changesPerDay: number; callsPerChange: number; listCallsPerPage: number }): {
  calls: number;
  share: number;
} {
  const changes = options.deals * options.changesPerDay * options.callsPerChange;
  const reconciliation = 24 * Math.max(1, Math.ceil(options.deals / PAGE)) * options.listCallsPerPage;
  const calls = Math.round(changes + reconciliation);
  return { calls, share: calls / PARTNER_CENTER_DAILY_BUDGET };
}

export interface FigureOptions {
  /** Seeds per mix (calm and full) of the random histories. */
  readonly seeds: number;
  readonly faults: readonly FaultCase[];
  /** Synced, unchanged referrals the measured reconciliation pass goes over. */
  readonly reconciledReferrals: number;
  /** The workload whose share of the daily budget is shown. */
  readonly budget: { readonly deals: number; readonly changesPerDay: number };
  /** Wall times of bringing `count` shared referrals into Dynamics (see inboundVolume), measured by the caller. */
  readonly volumes: ReadonlyArray<{ readonly count: number; readonly ms: number }>;
  readonly progress?: (message: string) => void;
}

/** The rows of "Sync figures (issue 11)": figure, condition, measured, goal. */
export async function syncFigureRows(input: FiguresInput, options: FigureOptions): Promise<string[][]> {
  const progress = options.progress ?? (() => undefined);
  const rows: string[][] = [];
  progress(`random histories: ${options.seeds} seeds of each mix`);
  rows.push(...(await seedRows(input, options.seeds)));
  let noFault: WorkloadFigures | undefined;
  for (const fault of options.faults) {
    progress(`workload under "${fault.name}"`);
    const figures = await runWorkload(input, fault);
    noFault ??= figures;
    rows.push(['Partner Center calls per synced change', fault.name, callsCell(figures), '≤ 1.1× the minimum']);
    rows.push(['convergence (virtual time)', fault.name, convergenceCell(figures.convergence), '—']);
  }
  progress(`reconciliation pass over ${options.reconciledReferrals} synced referrals`);
  const pass = await reconciliationPass(input, options.reconciledReferrals);
  const lists = pass.partnerCenter.get('GetAllReferrals') ?? 0;
  const reads = pass.partnerCenter.get('GetReferralById') ?? 0;
  const others = [...pass.partnerCenter].filter(([operation]) => operation !== 'GetAllReferrals' && operation !== 'GetReferralById');
  rows.push([
    'reconciliation pass, nothing changed',
    `${pass.referrals} synced referrals (${pass.pages} pages of ${PAGE}), 1 h after they synced`,
    `${lists} list calls, ${reads} per-referral reads${others.map(([operation, n]) => `, ${n} ${operation}`).join('')}; ${pass.dataverseCalls} Dataverse calls`,
    `${pass.pages} list calls (1 per page), 0 reads`,
  ]);
  if (noFault) {
    const perChange = (noFault.partnerCenterCalls.length - MINIMUM_PARTNER_CENTER_CALLS.reconciliationPage) / noFault.changes;
    const { deals, changesPerDay } = options.budget;
    const budget = dailyBudget({ deals, changesPerDay, callsPerChange: perChange, listCallsPerPage: lists / pass.pages });
    rows.push([
      'share of the connector’s daily calls',
      `${deals} deals changing ${changesPerDay}× a day, ${perChange.toFixed(2)} calls per change, hourly reconciliation`,
      `${budget.calls.toLocaleString('en-US')} calls a day = ${(budget.share * 100).toFixed(1)} % of ${PARTNER_CENTER_DAILY_BUDGET.toLocaleString('en-US')} (100 per 60 s)`,
      '< 100 %',
    ]);
  }
  for (const { count, ms } of options.volumes) {
    rows.push([
      'rehearsal wall time',
      `${count.toLocaleString('en-US')} referrals shared, end to end`,
      `${formatDuration(ms)} (${(ms / count).toFixed(1)} ms each)`,
      'linear: the same ms each at every volume',
    ]);
  }
  return rows;
}

async function seedRows(input: FiguresInput, seeds: number): Promise<string[][]> {
  const rows: string[][] = [];
  for (const mix of ['calm', 'full'] as HistoryMix[]) {
    const failures = new Map<string, number>();
    let failed = 0;
    for (let seed = 1; seed <= seeds; seed += 1) {
      const outcome = await runSeed(seed, mix, input);
      if (outcome.passed) continue;
      failed += 1;
      const kinds = [...outcome.result.violations.map((violation) => violation.invariant), ...(outcome.result.error ? ['error'] : [])];
      for (const kind of new Set(kinds)) failures.set(kind, (failures.get(kind) ?? 0) + 1);
    }
    const detail = [...failures].map(([kind, n]) => `${kind} ${n}`).join(', ');
    rows.push([
      'seeds run / with invariant violations',
      `${mix} mix, seeds 1–${seeds}`,
      `${seeds} run, ${failed} with violations${detail ? ` (${detail})` : ''}`,
      '0 with violations',
    ]);
  }
  return rows;
}

function callsCell(figures: WorkloadFigures): string {
  const byOperation = new Map<string, number>();
  for (const call of figures.partnerCenterCalls) byOperation.set(call.operationId, (byOperation.get(call.operationId) ?? 0) + 1);
  const failed = figures.partnerCenterCalls.filter((call) => call.statusCode >= 400).length;
  const ratio = figures.partnerCenterCalls.length / figures.minimum;
  const operations = [...byOperation].map(([operation, n]) => `${n} ${operation}`).join(', ');
  return `${ratio.toFixed(2)}× (${figures.partnerCenterCalls.length} calls for ${figures.changes} changes + 1 reconciliation page, minimum ${figures.minimum}: ${operations}${failed > 0 ? `; ${failed} failed` : ''})`;
}

function convergenceCell(convergence: ReadonlyArray<number | undefined>): string {
  const arrived = convergence.filter((ms): ms is number => ms !== undefined).sort((a, b) => a - b);
  const lost = convergence.length - arrived.length;
  if (arrived.length === 0) return `none of ${convergence.length} changes arrived`;
  const percentile = (p: number): number => arrived[Math.min(arrived.length - 1, Math.ceil(p * arrived.length) - 1)]!;
  return `median ${formatDuration(percentile(0.5))}, p95 ${formatDuration(percentile(0.95))} over ${arrived.length} changes${lost > 0 ? `; ${lost} never arrived` : ''}`;
}
