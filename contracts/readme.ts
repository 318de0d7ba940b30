import type { ConnectorContract } from './index.js';

/** The markers around the generated block in README.md. */
export const README_MARKERS = {
  start: '<!-- connector-contracts:start (generated from contracts/connectors by `npm run docs:contracts`) -->',
  end: '<!-- connector-contracts:end -->',
} as const;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The README's table of connector facts, from the contract files: one row per operation (its request, its
 * parameters with `*` for the ones a flow must pass, whether public sources verify it, and which), then the
 * facts no public source settles.
 */
export function contractFactsMarkdown(contracts: readonly ConnectorContract[]): string {
  const rows = contracts.flatMap((contract) =>
    contract.operations.map((operation) => {
      const parameters = operation.parameters
        .filter((parameter) => !parameter.internal)
        .map((parameter) => {
          const mark = parameter.required && parameter.default === undefined ? '*' : '';
          return `\`${parameter.name}\`${mark} (${parameter.in}${parameter.dynamicProperties ? ', per column' : ''})`;
        });
      return `| \`${contract.apiName}\` | ${operation.operationId} | ${operation.method} \`${cell(operation.path)}\` | ${cell(parameters.join(', ') || 'none')} | ${operation.status} | ${operation.sources.join(', ')} |`;
    }),
  );
  const sources = contracts.flatMap((contract) =>
    Object.entries(contract.sources).map(([key, source]) => `- \`${contract.apiName}\` **${key}**: ${cell(source)}`),
  );
  const unsettled = contracts.flatMap((contract) =>
    contract.unsettled.map((fact) => `- \`${contract.apiName}\`: ${cell(fact.fact)} — ${cell(fact.why)}`),
  );
  return [
    README_MARKERS.start,
    '',
    '| connector | operation | request | parameters (* = a flow must pass it) | status | sources |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'Sources:',
    '',
    ...sources,
    '',
    'Not settled by any public source (each is used in one place, and named there):',
    '',
    ...unsettled,
    '',
    README_MARKERS.end,
  ].join('\n');
}

/** README text with the generated block replaced (or an error naming the missing marker). */
export function withContractFacts(readme: string, contracts: readonly ConnectorContract[]): string {
  const start = readme.indexOf(README_MARKERS.start);
  const end = readme.indexOf(README_MARKERS.end);
  if (start < 0 || end < start)
    throw new Error(`README.md: the markers ${README_MARKERS.start} … ${README_MARKERS.end} are missing; add them where the table belongs`);
  return `${readme.slice(0, start)}${contractFactsMarkdown(contracts)}${readme.slice(end + README_MARKERS.end.length)}`;
}
