import { buildFlows } from '../../flows/index.js';
import { odataString } from '../../flows/mapping.js';
import { call, concat, literalString, quote, tpl, Expr } from '../../flows/wdl/expr.js';
import type { SolutionModel } from '../../solution/model.js';
import { UserError } from '../../core/errors.js';
import { model } from './support.js';

describe('expressions built from referral text', () => {
  test("quotes inside literals are doubled, so names like O'Brien cannot break an expression", () => {
    expect(quote("O'Brien <x> 🤝")).toBe("'O''Brien <x> 🤝'");
    expect(call('equals', new Expr("triggerBody()?['name']"), "it's").at).toBe("@equals(triggerBody()?['name'], 'it''s')");
  });

  test('OData string literals double the quotes of the value at run time', () => {
    expect(odataString(new Expr("item()?['name']")).text).toBe("concat('''', replace(string(item()?['name']), '''', ''''''), '''')");
  });

  test('literal text is @-escaped in JSON strings and interpolations', () => {
    expect(literalString('@home')).toBe('@@home');
    expect(literalString('mail me @{x}')).toBe('mail me @@{x}');
    expect(tpl`✔ ${new Expr("variables('Name')")} @{y}`).toBe("✔ @{variables('Name')} @@{y}");
    expect(concat('a', 1, true, null).text).toBe("concat('a', 1, true, null)");
  });
});

describe('the mapping refuses what would fail at run time', () => {
  const withoutColumn = (stem: string): SolutionModel => ({
    ...model,
    tables: model.tables.map((table) =>
      table.kind === 'extended' ? { ...table, columns: table.columns.filter((c) => c.schemaName !== `pcs_${stem}`) } : table,
    ),
  });

  test('a mapping to a column the model does not define stops the build, naming the mapping row', () => {
    let error: unknown;
    try {
      buildFlows(withoutColumn('PartnerCenterETag'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'flows/mapping.ts OPPORTUNITY_MAP eTag: maps eTag to pcs_partnercenteretag, a column the solution model does not define\n  fix: add the column to the opportunity table in solution/cosell.ts or map to an existing one',
    );
  });

  test('a value map with a missing option stops the build', () => {
    const broken: SolutionModel = {
      ...model,
      choices: model.choices.map((choice) =>
        choice.schemaName === 'pcs_referralsubstatus' ? { ...choice, options: choice.options.filter((o) => o.key !== 'Expired') } : choice,
      ),
    };
    expect(() => buildFlows(broken)).toThrow(/value map to pcs_referralsubstatus has no option for the Partner Center value "Expired"/);
  });

  test('a flow using a column the model lacks (not through the mapping) is refused too', () => {
    expect(() => buildFlows(withoutColumn('LastSyncedOn'))).toThrow(
      /names opportunity column pcs_lastsyncedon, which the solution model does not define/,
    );
  });
});
