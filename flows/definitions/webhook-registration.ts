import type { CloudFlow } from '../../solution/model.js';
import { partnerCenterEvents } from '../connectors.js';
import { type FlowContext, newFlow } from '../context.js';
import { compose, manualTrigger } from '../wdl/actions.js';
import { type Container, FAILED_OR_TIMED_OUT } from '../wdl/builder.js';
import { body, call, concat, empty, equals, type Expr, not, outputs, triggerBody } from '../wdl/expr.js';
import type { TriggerDefinition } from '../wdl/types.js';
import { ReferralEvent } from './partner-center-to-dynamics.js';

const WebhookRegistrationInput = { Endpoint: 'text', Events: 'text_1', Overwrite: 'boolean' } as const;
const DEFAULT_EVENTS = Object.values(ReferralEvent).join(',');

/**
 * Partner Center Webhook Registration (run by hand once per environment): registers the HTTP trigger URL
 * of "Partner Center to Dynamics 365" for the referral events, or updates an existing registration
 * when Overwrite is set, and reports what it did.
 */
export function buildWebhookRegistrationFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow('WebhookRegistration', 'Registers the Partner Center webhook that calls "Partner Center to Dynamics 365".');
  const events = ctx.connection(flow, 'PartnerCenterEvents');
  flow.trigger('manual', registrationInputs());
  const top = flow.actions;
  top.add('Events', compose(requestedEvents(), 'The events to register'));
  top.add('Read_current_registration', partnerCenterEvents.viewRegistration(events));
  top.add('Registration_state', compose(call('coalesce', body('Read_current_registration').get('WebhookUrl'), '')), {
    after: { Read_current_registration: ['Succeeded', 'Failed'] },
  });
  registerOrUpdate(top, events);
  top.add(
    'Report',
    compose({
      endpoint: triggerBody().get(WebhookRegistrationInput.Endpoint),
      events: outputs('Events'),
      previous: outputs('Registration_state'),
    }),
  );
  top.add('Registration_failed', compose('The registration call failed; check the Partner Center Events connection and the events'), {
    after: { If_a_registration_exists: FAILED_OR_TIMED_OUT },
  });
  return flow.toCloudFlow();
}

function registrationInputs(): TriggerDefinition {
  return manualTrigger([
    {
      key: WebhookRegistrationInput.Endpoint,
      title: 'Http Trigger Endpoint',
      type: 'string',
      description: 'The HTTP POST URL of the "Partner Center to Dynamics 365" trigger',
      required: true,
    },
    {
      key: WebhookRegistrationInput.Events,
      title: 'Events to Register',
      type: 'string',
      description: `Comma-separated; default ${DEFAULT_EVENTS}`,
      required: false,
    },
    {
      key: WebhookRegistrationInput.Overwrite,
      title: 'Overwrite existing trigger endpoints if present',
      type: 'boolean',
      description: 'Replace a registration that points elsewhere',
      required: false,
    },
  ]);
}

/** The events input as a list, the default events when it is empty. */
function requestedEvents(): Expr {
  const typed = triggerBody().get(WebhookRegistrationInput.Events);
  // Event names hold no spaces: removing them accepts "a, b" as typed by hand.
  return call('split', call('replace', call('if', empty(call('coalesce', typed, '')), DEFAULT_EVENTS, typed), ' ', ''), ',');
}

/** Registers the endpoint, or replaces the tenant's registration when Overwrite is set. */
function registerOrUpdate(top: Container, events: string): void {
  const current = outputs('Registration_state');
  const endpoint = triggerBody().get(WebhookRegistrationInput.Endpoint);
  const overwrite = equals(call('coalesce', triggerBody().get(WebhookRegistrationInput.Overwrite), false), true);
  const registration = { WebhookUrl: endpoint, WebhookEvents: outputs('Events') };
  top.condition(
    'If_a_registration_exists',
    'Partner Center holds one registration per tenant',
    not(empty(current)),
    (exists) => {
      exists.condition(
        'If_overwrite',
        'Only replace an existing registration when asked to',
        overwrite,
        (replace) => {
          replace.add('Update_registration', partnerCenterEvents.register(events, registration, true));
          replace.add('Updated', compose(concat('Updated the registration to ', endpoint)));
        },
        (keep) => {
          keep.add('Kept', compose(concat('A registration exists for ', current, '; run again with Overwrite to replace it')));
        },
      );
    },
    (none) => {
      none.add('Register', partnerCenterEvents.register(events, registration, false));
      none.add('Registered', compose(concat('Registered ', endpoint)));
    },
  );
}
