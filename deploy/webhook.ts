/**
 * The step users forget: Partner Center must learn the HTTP trigger URL of the inbound flow, which exists only once
 * that flow is on in that environment. Dataverse's Web API does not expose it; Power Automate's management API does
 * (the flow trigger's listCallbackUrl, as the Power Automate Management connector's "List Callback URL" action),
 * but it needs a user's token, not the application user's, so the tool prints the exact steps with the values
 * filled in instead of calling it.
 */
import type { DeployPackage, PackageFlow } from './package-info.js';

interface Trigger {
  type?: string;
  kind?: string;
  inputs?: { schema?: { properties?: Record<string, { title?: string }> } };
}

const triggersOf = (flow: PackageFlow): Array<[string, Trigger]> =>
  Object.entries(
    (flow.document as { properties?: { definition?: { triggers?: Record<string, Trigger> } } }).properties?.definition?.triggers ?? {},
  );

export interface WebhookStep {
  inboundFlow: string;
  trigger: string;
  registrationFlow: string | null;
  /** The registration flow's workflow id (its runs are in the flowrun table). */
  registrationFlowId: string | null;
  steps: string[];
}

export function webhookSteps(pkg: DeployPackage, orgUrl: string): WebhookStep | undefined {
  const inbound = pkg.flows.find((flow) => triggersOf(flow).some(([, trigger]) => trigger.type === 'Request' && trigger.kind === 'Http'));
  if (!inbound) return undefined;
  const trigger = triggersOf(inbound).find(([, candidate]) => candidate.type === 'Request' && candidate.kind === 'Http')![0];
  const registration = pkg.flows.find((flow) =>
    triggersOf(flow).some(
      ([, candidate]) =>
        candidate.kind === 'Button' &&
        Object.values(candidate.inputs?.schema?.properties ?? {}).some((input) => input.title === 'Http Trigger Endpoint'),
    ),
  );
  return {
    inboundFlow: inbound.name,
    trigger,
    registrationFlow: registration?.name ?? null,
    registrationFlowId: registration?.id ?? null,
    steps: [
      `open https://make.powerautomate.com, pick the environment of ${orgUrl}, Solutions → ${pkg.uniqueName} → cloud flow "${inbound.name}"`,
      `open its trigger "${trigger}" and copy the HTTP POST URL (flow id ${inbound.id})`,
      registration
        ? `run the cloud flow "${registration.name}" with "Http Trigger Endpoint" = that URL (leave "Events to Register" empty for the default events)`
        : 'register that URL as the Partner Center webhook for the referral events',
      'check its run: every event answers registered; run it again after each move of the environment',
    ],
  };
}
