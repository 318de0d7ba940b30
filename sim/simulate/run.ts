import type { SolutionModel } from '../../solution/model.js';
import type { ZipEntry } from '../../core/io/zip.js';
import type { FlowRun } from '../contracts.js';
import { SCENARIOS, type Expectation, type Scenario, type World } from './scenarios.js';
import { Simulation, type ConnectorCall } from './session.js';

export interface ScenarioResult {
  scenario: Scenario;
  expectations: Expectation[];
  passed: boolean;
  runs: FlowRun[];
  connectorCalls: ConnectorCall[];
  partnerCenterCalls: number;
  dataverseCalls: number;
  /** A crash of the scenario itself (not a failed expectation). */
  error?: string;
  /** Virtual time the scenario took. */
  virtualMs: number;
}

export function worldOf(model: SolutionModel): World {
  const prefix = model.publisher.prefix;
  return {
    prefix,
    column: (stem) => `${prefix}_${stem}`.toLowerCase(),
    option(choice, key) {
      const found = model.choices
        .find((candidate) => candidate.schemaName === `${prefix}_${choice}`.toLowerCase())
        ?.options.find((option) => option.key === key);
      if (!found) throw new Error(`no option ${key} in ${prefix}_${choice}`);
      return found.value;
    },
  };
}

/** Runs one scenario in a fresh simulation (fresh emulators and clock) and collects what it checked. */
export async function runScenario(
  scenario: Scenario,
  input: { entries: readonly ZipEntry[]; label: string; model: SolutionModel },
): Promise<ScenarioResult> {
  const world = worldOf(input.model);
  const environment = Object.fromEntries(
    Object.entries(scenario.environment ?? {}).map(([stem, value]) => [`${world.prefix}_${stem}`, value]),
  );
  const simulation = await Simulation.start({ ...input, environment });
  const started = simulation.clock.now().getTime();
  let expectations: Expectation[] = [];
  let error: string | undefined;
  try {
    await simulation.runManual('Partner Center Webhook Registration', { text: simulation.webhookUrl, boolean: true });
    expectations = await scenario.run(simulation, world);
    expectations.push({
      description: 'every connector parameter the flows pass is one its connector declares (the platform drops the others)',
      pass: simulation.droppedParameters.length === 0,
      actual: simulation.droppedParameters.join('; '),
    });
  } catch (caught) {
    error = caught instanceof Error ? `${caught.message}` : String(caught);
  } finally {
    await simulation.stop();
  }
  return {
    scenario,
    expectations,
    error,
    passed: error === undefined && expectations.every((expectation) => expectation.pass),
    runs: simulation.runs(),
    connectorCalls: simulation.connectorCalls,
    partnerCenterCalls: simulation.partnerCenter.calls.length,
    dataverseCalls: simulation.dataverse.calls.length,
    virtualMs: simulation.clock.now().getTime() - started,
  };
}

export function scenariosNamed(names: readonly string[]): Scenario[] {
  if (names.length === 0) return [...SCENARIOS];
  return names.map((name) => {
    const found = SCENARIOS.find((scenario) => scenario.name === name);
    if (!found) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`);
    return found;
  });
}
