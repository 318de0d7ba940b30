import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserErrors } from '../../core/errors.js';
import { componentParameters, parseSettings, settingsSkeleton, validateSettings } from '../../deploy/settings.js';
import { runCli } from '../../scripts/cli.js';
import { captureIo, tempDir } from '../support/cli.js';
import { builtPackage, filledSettings, writeZipFile } from './support.js';

const FILE = 'settings/staging.json';

/** The messages of the UserErrors a call throws. */
function problems(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    if (error instanceof UserErrors) return error.errors.map((one) => one.message);
    throw error;
  }
  throw new Error('expected UserErrors');
}

describe('settings file (pac deployment-settings format)', () => {
  const pkg = builtPackage();

  test('the skeleton lists every environment variable (default as value) and connection reference of the zip', () => {
    const skeleton = settingsSkeleton(pkg);
    expect(skeleton.EnvironmentVariables).toEqual([
      { SchemaName: 'pcs_Checkmark', Value: 'yes' },
      { SchemaName: 'pcs_CustomerCountryCodeField', Value: 'address1_country' },
      { SchemaName: 'pcs_DealValueField', Value: 'estimatedvalue' },
      { SchemaName: 'pcs_SyncOnlyCoSell', Value: 'yes' },
    ]);
    expect(skeleton.ConnectionReferences.map((reference) => [reference.LogicalName, reference.ConnectionId])).toEqual(
      pkg.connectionReferences.map((reference) => [reference.logicalName, '']),
    );
    expect(skeleton.ConnectionReferences.find((reference) => reference.LogicalName === 'pcs_Dataverse')?.ConnectorId).toBe(
      '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
    );
  });

  test('a filled file validates and becomes ComponentParameters in the documented shape', () => {
    const settings = validateSettings(filledSettings(pkg), pkg, FILE);
    const parameters = componentParameters(settings);
    expect(parameters[0]).toEqual({
      '@odata.type': 'Microsoft.Dynamics.CRM.connectionreference',
      connectionreferencelogicalname: pkg.connectionReferences[0]!.logicalName,
      connectionid: `conn-${pkg.connectionReferences[0]!.logicalName.toLowerCase()}`,
      connectorid: pkg.connectionReferences[0]!.connectorId,
    });
    expect(parameters.at(-1)).toEqual({
      '@odata.type': 'Microsoft.Dynamics.CRM.environmentvariablevalue',
      schemaname: 'pcs_SyncOnlyCoSell',
      value: 'yes',
    });
    expect(parameters).toHaveLength(pkg.connectionReferences.length + pkg.envVars.length);
  });

  test('booleans are normalised to the yes/no of the definitions', () => {
    const settings = filledSettings(pkg);
    settings.EnvironmentVariables[0]!.Value = 'FALSE';
    expect(validateSettings(settings, pkg, FILE).EnvironmentVariables[0]).toEqual({ SchemaName: 'pcs_Checkmark', Value: 'no' });
  });

  test('empty values, wrong types, missing connection ids, a wrong connector, typos and missing entries are all reported at once', () => {
    const settings = filledSettings(pkg);
    settings.EnvironmentVariables[0]!.Value = 'maybe';
    settings.EnvironmentVariables[1]!.Value = '';
    settings.EnvironmentVariables[2]!.SchemaName = 'pcs_DealValueFeld';
    settings.EnvironmentVariables.pop();
    settings.ConnectionReferences[0]!.ConnectionId = '';
    settings.ConnectionReferences[1]!.ConnectorId = '/providers/Microsoft.PowerApps/apis/shared_office365';
    expect(problems(() => validateSettings(settings, pkg, FILE))).toEqual([
      `${FILE} /EnvironmentVariables/0/Value: pcs_Checkmark (Boolean): "maybe" is not a Yes/No value\n  fix: give "yes" or "no"`,
      `${FILE} /EnvironmentVariables/1/Value: pcs_CustomerCountryCodeField (String): is empty (Dataverse refuses an empty environment variable value)\n  fix: give a value; to keep the default, copy the default into it`,
      `${FILE} /EnvironmentVariables/2/SchemaName: "pcs_DealValueFeld" is not an environment variable of ${pkg.label}\n  fix: did you mean "pcs_DealValueField"?`,
      `${FILE} /EnvironmentVariables: has no entry for pcs_DealValueField (String)\n  fix: add { "SchemaName": "pcs_DealValueField", "Value": "estimatedvalue" } with this environment's value`,
      `${FILE} /EnvironmentVariables: has no entry for pcs_SyncOnlyCoSell (Boolean)\n  fix: add { "SchemaName": "pcs_SyncOnlyCoSell", "Value": "yes" } with this environment's value`,
      expect.stringMatching(
        new RegExp(
          `^${FILE} /ConnectionReferences/0/ConnectionId: ${pkg.connectionReferences[0]!.logicalName} has no connection id\\n  fix: create a connection for shared_`,
        ),
      ),
      `${FILE} /ConnectionReferences/1/ConnectorId: is "/providers/Microsoft.PowerApps/apis/shared_office365" but ${pkg.connectionReferences[1]!.logicalName} uses ${pkg.connectionReferences[1]!.connectorId}\n  fix: set it to "${pkg.connectionReferences[1]!.connectorId}"`,
    ]);
  });

  test('the file shape is checked with JSON pointers; a JSON syntax error gives line and column', () => {
    expect(
      problems(() => parseSettings('{"EnvironmentVariables":[{"SchemaName":"a","Value":true}],"ConnectionReference":[]}', FILE)),
    ).toEqual([
      `${FILE} /: has an unknown property "ConnectionReference"\n  fix: did you mean "ConnectionReferences"? Rename it`,
      `${FILE} /EnvironmentVariables/0/Value: must be a string, not true\n  fix: write the value as a JSON string, e.g. "yes", "42"`,
    ]);
    expect(() => parseSettings('{\n  "EnvironmentVariables": [,]\n}', FILE)).toThrow(/settings\/staging.json line 2 column 28/);
  });
});

describe('cosell settings init / check', () => {
  test('init writes the skeleton; a second init refuses to overwrite; check reports the empty connection ids', async () => {
    const dir = await tempDir('settings');
    const zip = path.basename(await writeZipFile(dir));
    const io = captureIo(dir);
    expect(await runCli(['settings', 'init', zip, '--out', 'settings/staging.json'], io)).toBe(0);
    const written = JSON.parse(await readFile(path.join(dir, 'settings', 'staging.json'), 'utf8'));
    expect(written).toEqual(settingsSkeleton(builtPackage()));
    expect(io.stdout[0]).toBe('wrote settings/staging.json: 4 environment variables (defaults as values), 3 connection references');

    const again = captureIo(dir);
    expect(await runCli(['settings', 'init', zip, '--out', 'settings/staging.json'], again)).toBe(1);
    expect(again.stderr).toEqual([
      'error: settings/staging.json: already exists; its connection ids and values would be lost\n  fix: give another --out, or --force to replace it',
    ]);

    const check = captureIo(dir);
    expect(await runCli(['settings', 'check', 'settings/staging.json', '--zip', zip], check)).toBe(1);
    expect(check.stderr.join('\n').match(/has no connection id/g)).toHaveLength(3);

    await writeFile(path.join(dir, 'settings', 'staging.json'), JSON.stringify(filledSettings()));
    const ok = captureIo(dir);
    expect(await runCli(['settings', 'check', 'settings/staging.json', '--zip', zip, '--json'], ok)).toBe(0);
    expect(JSON.parse(ok.stdout[0]!)).toEqual({
      file: 'settings/staging.json',
      ok: true,
      environmentVariables: 4,
      connectionReferences: 3,
    });
  });

  test('--dry-run prints the file and writes nothing', async () => {
    const dir = await tempDir('settings-dry');
    const zip = path.basename(await writeZipFile(dir));
    const io = captureIo(dir);
    expect(await runCli(['settings', 'init', zip, '--out', 'x.json', '--dry-run'], io)).toBe(0);
    expect(JSON.parse(io.stdout[0]!)).toEqual(settingsSkeleton(builtPackage()));
    await expect(readFile(path.join(dir, 'x.json'))).rejects.toThrow(/ENOENT/);
  });

  test('--connection fills in ConnectionIds by connector or LogicalName; the file then passes check; --json says what was written', async () => {
    const dir = await tempDir('settings-connection');
    const zip = path.basename(await writeZipFile(dir));
    const references = builtPackage().connectionReferences;
    const [first, ...rest] = references;
    const args = [
      `--connection`,
      `${first!.logicalName}=conn-by-name`,
      ...rest.flatMap((reference) => ['--connection', `${reference.connectorId.split('/').at(-1)!}=conn-${reference.logicalName}`]),
    ];
    const io = captureIo(dir);
    expect(await runCli(['settings', 'init', zip, '--out', 's.json', ...args, '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    expect(report.written).toBe(true);
    expect(report.settings.ConnectionReferences.map((reference: { ConnectionId: string }) => reference.ConnectionId)).toEqual([
      'conn-by-name',
      ...rest.map((reference) => `conn-${reference.logicalName}`),
    ]);
    expect(JSON.parse(await readFile(path.join(dir, 's.json'), 'utf8'))).toEqual(report.settings);
    expect(await runCli(['settings', 'check', 's.json', '--zip', zip], captureIo(dir))).toBe(0);
  });

  test('a --connection key that names nothing in the zip is refused with the keys, nothing written', async () => {
    const dir = await tempDir('settings-connection-bad');
    const zip = path.basename(await writeZipFile(dir));
    const io = captureIo(dir);
    expect(await runCli(['settings', 'init', zip, '--out', 's.json', '--connection', 'shared_comondataserviceforapps=abc'], io)).toBe(1);
    expect(io.stderr[0]).toMatch(
      /^error: --connection: "shared_comondataserviceforapps" is neither a connection reference of the zip nor one of its connectors\n {2}fix: did you mean shared_commondataserviceforapps\?/,
    );
    const malformed = captureIo(dir);
    expect(await runCli(['settings', 'init', zip, '--out', 's.json', '--connection', 'no-equals-sign'], malformed)).toBe(1);
    expect(malformed.stderr[0]).toMatch(/"no-equals-sign" is not <logical name or connector>=<connection id>/);
    await expect(readFile(path.join(dir, 's.json'))).rejects.toThrow(/ENOENT/);
  });

  test('settings init --help names its options', async () => {
    const io = captureIo(await tempDir('settings-help'));
    expect(await runCli(['settings', 'init', '--help'], io)).toBe(0);
    for (const option of ['--out <file>', '--connection <key=id>', '--force', '--dry-run', '--json'])
      expect(io.stdout.join('')).toContain(option);
  });
});
