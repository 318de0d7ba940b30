/**
 * Seeded random histories (fast-check): from a seed, a mix of creates and edits on both sides and network
 * faults; a failing history is shrunk by fast-check to a minimal one. One seed is one history, so
 * `cosell simulate --seed N` replays exactly what a run reported.
 */
import fc from 'fast-check';
import { runHistory, type HistoryInput, type HistoryResult } from './run.js';
import { describeStep, SOLUTIONS, SWITCHABLE_FLOWS, type SharedField, type SolutionId, type Step } from './steps.js';

/**
 * `calm`: one actor at a time, every change comes to rest before the next, no faults (what the flows must
 * always get right). `full`: changes overlap (no rest between steps), webhooks are lost or duplicated, Partner
 * Center goes down and Dataverse throttles for a while.
 */
export type HistoryMix = 'calm' | 'full';

const SETTLE: Step = { kind: 'settle' };
/** Steps the calm mix does not follow with a rest: a rest itself, and the setting the rehearsal starts with. */
const RESTING = new Set<Step['kind']>(['settle', 'syncOnlyCoSell']);
const NAMES = ['Contoso rollout', 'Fabrikam migration', "O'Hara & Sons", 'Copilot 🤝 pilot'] as const;
const NOTES = ['Needs a demo', 'Budget approved', '', 'Call after <Q3>'] as const;

const fieldValue = (field: SharedField): fc.Arbitrary<string | number> =>
  field === 'dealValue'
    ? fc.integer({ min: 1, max: 2_000_000 })
    : field === 'name'
      ? fc.constantFrom(...NAMES).map((name) => `${name} v2`)
      : fc.constantFrom(...NOTES);

const edit = (kind: 'sellerEdits' | 'partnerEdits'): fc.Arbitrary<Step> =>
  fc
    .record({ deal: fc.nat({ max: 5 }), field: fc.constantFrom<SharedField>('name', 'dealValue', 'notes') })
    .chain(({ deal, field }) => fieldValue(field).map((value): Step => ({ kind, deal, field, value })));

function stepArbitrary(mix: HistoryMix): fc.Arbitrary<Step> {
  const steps: Array<fc.WeightedArbitrary<Step>> = [
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name): Step => ({ kind: 'sellerShares', name })) },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name): Step => ({ kind: 'microsoftShares', name })) },
    { weight: 4, arbitrary: edit('sellerEdits') },
    { weight: 4, arbitrary: edit('partnerEdits') },
    { weight: 1, arbitrary: fc.constant<Step>({ kind: 'reconcile' }) },
    { weight: 1, arbitrary: fc.nat({ max: 5 }).map((deal): Step => ({ kind: 'sellerWins', deal })) },
    { weight: 1, arbitrary: fc.nat({ max: 5 }).map((deal): Step => ({ kind: 'sellerLoses', deal })) },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name): Step => ({ kind: 'sellerSharesIncomplete', name })) },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name): Step => ({ kind: 'notCoSellArrives', name })) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          deal: fc.nat({ max: 5 }),
          solution: fc.constantFrom(...(Object.keys(SOLUTIONS) as SolutionId[])),
          add: fc.boolean(),
        })
        .map(({ deal, solution, add }): Step => ({ kind: 'sellerChangesSolution', deal, solution, add })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ deal: fc.nat({ max: 5 }), on: fc.boolean() })
        .map(({ deal, on }): Step => ({ kind: 'sellerSwitchesSync', deal, on })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ deal: fc.nat({ max: 5 }), response: fc.constantFrom<'Accepted' | 'Declined'>('Accepted', 'Declined') })
        .map(({ deal, response }): Step => ({ kind: 'microsoftResponds', deal, response })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ deal: fc.nat({ max: 5 }), decision: fc.constantFrom<'Accept' | 'Decline'>('Accept', 'Decline') })
        .map(({ deal, decision }): Step => ({ kind: 'sellerDecides', deal, decision })),
    },
  ];
  if (mix === 'full') {
    steps.push(
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'dropNextWebhook' }) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'duplicateNextWebhook' }) },
      { weight: 2, arbitrary: fc.constant<Step>({ kind: 'settle' }) },
      {
        weight: 1,
        arbitrary: fc
          .record({ minutes: fc.integer({ min: 1, max: 30 }), status: fc.constantFrom<429 | 503>(503, 429) })
          .map(({ minutes, status }): Step => ({ kind: 'partnerCenterOutage', minutes, status })),
      },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'partnerCenterCommitThenFail' }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map((seconds): Step => ({ kind: 'dataverseThrottled', seconds })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }).map((minutes): Step => ({ kind: 'webhooksHeldUp', minutes })) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'webhooksOutOfOrder' }) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'webhooksConcurrent' }) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'dataverseCommitThenFail' }) },
      {
        weight: 1,
        arbitrary: fc
          .record({ flow: fc.constantFrom(...SWITCHABLE_FLOWS), minutes: fc.integer({ min: 1, max: 30 }) })
          .map(({ flow, minutes }): Step => ({ kind: 'flowTurnedOff', flow, minutes })),
      },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((runs): Step => ({ kind: 'childFlowFails', runs })) },
    );
  }
  return fc.oneof(...steps);
}

/** Most steps after the shares, unless a run asks for longer histories. */
export const DEFAULT_MAX_STEPS = 10;

/**
 * A history: the environment's Sync only co-sell setting (Yes or No, half each: No turns referrals that are not co-sell
 * into leads), one to three deals shared (so the edits have something to edit), then the mix; in the calm mix every
 * step is followed by a rest.
 */
export function historyArbitrary(mix: HistoryMix, maxSteps = DEFAULT_MAX_STEPS): fc.Arbitrary<Step[]> {
  const share = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...NAMES).map((name): Step => ({ kind: 'sellerShares', name })) },
    { weight: 2, arbitrary: fc.constantFrom(...NAMES).map((name): Step => ({ kind: 'microsoftShares', name })) },
    // Early, so the edits that follow reach it (a lead under Sync only co-sell No).
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((name): Step => ({ kind: 'notCoSellArrives', name })) },
  );
  return fc
    .tuple(
      // Shrinks to Yes, the package's default.
      fc.boolean().map((leads): Step => ({ kind: 'syncOnlyCoSell', on: !leads })),
      fc.array(share, { minLength: 1, maxLength: 3 }),
      fc.array(stepArbitrary(mix), { minLength: Math.min(4, maxSteps), maxLength: maxSteps, size: 'max' }),
    )
    .map(([setting, shares, steps]): Step[] => [setting, ...shares, SETTLE, ...steps])
    .map((steps) =>
      mix === 'calm' ? steps.flatMap((step): Step[] => (RESTING.has(step.kind) ? [step] : [step, { kind: 'settle' }])) : steps,
    );
}

export interface SeedOutcome {
  readonly seed: number;
  readonly maxSteps: number;
  readonly passed: boolean;
  /** The history the seed generates. */
  readonly history: Step[];
  readonly result: HistoryResult;
  /** When it failed: the smallest history fast-check found that still fails, and its result. */
  readonly shrunk?: { history: Step[]; result: HistoryResult };
}

const failing = (result: HistoryResult): boolean => result.violations.length > 0 || result.error !== undefined;

/** Generates the seed's history, runs it, and on failure shrinks it. */
export async function runSeed(
  seed: number,
  mix: HistoryMix,
  input: HistoryInput,
  options: { maxSteps?: number } = {},
): Promise<SeedOutcome> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const arbitrary = historyArbitrary(mix, maxSteps);
  const [history] = fc.sample(arbitrary, { seed, numRuns: 1 });
  const result = await runHistory(history!, input);
  if (!failing(result)) return { seed, maxSteps, passed: true, history: history!, result };
  let smallest: { history: Step[]; result: HistoryResult } = { history: history!, result };
  await fc.check(
    fc.asyncProperty(arbitrary, async (candidate) => {
      const run = await runHistory(candidate, input);
      if (failing(run) && candidate.length <= smallest.history.length) smallest = { history: candidate, result: run };
      return !failing(run);
    }),
    { seed, numRuns: 1 },
  );
  return { seed, maxSteps, passed: false, history: history!, result, shrunk: smallest };
}

/** A failing seed as a report: the command that replays it, what broke, and the shrunk history. */
export function describeFailure(outcome: SeedOutcome, mix: HistoryMix): string {
  const steps = outcome.maxSteps === DEFAULT_MAX_STEPS ? '' : ` --steps ${outcome.maxSteps}`;
  const lines = [`seed ${outcome.seed} (${mix}) failed — replay: npx cosell simulate --seed ${outcome.seed} --mix ${mix}${steps}`];
  const { history, result } = outcome.shrunk ?? outcome;
  if (result.error) lines.push(`  error: ${result.error}`);
  for (const violation of result.violations) lines.push(`  ✗ ${violation.invariant}: ${violation.detail}`);
  lines.push(`  minimal history (${history.length} steps):`);
  for (const step of history) lines.push(`    ${describeStep(step)}`);
  return lines.join('\n');
}
