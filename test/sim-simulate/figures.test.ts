import { describe, expect, test } from '@jest/globals';
import { readZip } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { dailyBudget, FAULT_CASES, PARTNER_CENTER_DAILY_BUDGET, syncFigureRows } from '../../sim/simulate/figures.js';
import { defaultModel } from '../support/model.js';

/** The figures `npm run bench` prints for issue 11, on a tiny volume: the rows are well formed (no timing is asserted). */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const input = { entries: readZip(zip!.bytes, zip!.fileName), label: zip!.fileName, model };

describe('sync figures (issue 11)', () => {
  test('the documented limit of 100 calls per connection per 60 s is 144,000 a day; a workload is changes plus 24 passes', () => {
    expect(PARTNER_CENTER_DAILY_BUDGET).toBe(144_000);
    const budget = dailyBudget({ deals: 1000, changesPerDay: 2, callsPerChange: 1.5, listCallsPerPage: 1 });
    expect(budget.calls).toBe(1000 * 2 * 1.5 + 24 * 10);
    expect(budget.share).toBeCloseTo(3240 / 144_000, 10);
  });

  test('one seed per mix, the workload without faults, a pass over 3 referrals: one row per figure, four cells each', async () => {
    const rows = await syncFigureRows(input, {
      seeds: 1,
      faults: FAULT_CASES.filter((fault) => fault.name === 'no fault'),
      reconciledReferrals: 3,
      budget: { deals: 100, changesPerDay: 1 },
      volumes: [{ count: 10, ms: 250 }],
    });
    expect(rows.map((row) => row[0])).toEqual([
      'seeds run / with invariant violations',
      'seeds run / with invariant violations',
      'Partner Center calls per synced change',
      'convergence (virtual time)',
      'reconciliation pass, nothing changed',
      'share of the connector’s daily calls',
      'rehearsal wall time',
    ]);
    for (const row of rows) {
      expect(row).toHaveLength(4);
      for (const cell of row) expect(cell.trim()).not.toBe('');
    }
    expect(rows[2]![2]).toMatch(/^\d+\.\d\d× \(\d+ calls for 9 changes \+ 1 reconciliation page, minimum 10: /);
    expect(rows[3]![2]).toMatch(/^median .+, p95 .+ over \d+ changes/);
    expect(rows[4]![2]).toMatch(/^\d+ list calls, \d+ per-referral reads/);
    expect(rows[6]![2]).toBe('250 ms (25.0 ms each)');
  }, 180_000);
});
