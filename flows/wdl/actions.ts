import { plain, type Value } from './value.js';
import type { Expr } from './expr.js';
import type { ActionDefinition, TriggerDefinition } from './types.js';

/** Built-in (non-connector) actions and triggers, as exports write them (flows-and-pcf §3.3). */

export const compose = (inputs: Value, description?: string): ActionDefinition => ({
  type: 'Compose',
  ...(description ? { description } : {}),
  inputs: plain(inputs),
});

type VariableType = 'string' | 'integer' | 'float' | 'boolean' | 'array' | 'object';
export const initializeVariable = (name: string, type: VariableType, value: Value): ActionDefinition => ({
  type: 'InitializeVariable',
  inputs: { variables: [{ name, type, value: plain(value) }] },
});
export const setVariable = (name: string, value: Value): ActionDefinition => ({
  type: 'SetVariable',
  inputs: { name, value: plain(value) },
});
export const appendToStringVariable = (name: string, value: Value): ActionDefinition => ({
  type: 'AppendToStringVariable',
  inputs: { name, value: plain(value) },
});
export const incrementVariable = (name: string, value: number): ActionDefinition => ({
  type: 'IncrementVariable',
  inputs: { name, value },
});

export const terminate = (runStatus: 'Succeeded' | 'Failed' | 'Cancelled', error?: { code: string; message: Value }): ActionDefinition => ({
  type: 'Terminate',
  inputs: { runStatus, ...(error && runStatus === 'Failed' ? { runError: { code: error.code, message: plain(error.message) } } : {}) },
});

/** Filter array: `where` sees each element as item(). */
export const query = (from: Expr, where: Expr): ActionDefinition => ({ type: 'Query', inputs: { from: from.at, where: where.at } });
export const select = (from: Expr, map: Value): ActionDefinition => ({ type: 'Select', inputs: { from: from.at, select: plain(map) } });

/** "Respond to a PowerApp or flow": how a child flow returns to its caller. */
export function childResponse(body: Record<string, Value>, schema: Record<string, { type: string; title: string }>): ActionDefinition {
  return {
    type: 'Response',
    kind: 'PowerApp',
    inputs: {
      statusCode: 200,
      body: plain(body),
      schema: {
        type: 'object',
        properties: Object.fromEntries(
          Object.entries(schema).map(([key, property]) => [key, { ...property, 'x-ms-dynamically-added': true }]),
        ),
      },
    },
  };
}

/** The HTTP response of a flow with a Request (HTTP) trigger. */
export const httpResponse = (statusCode: number, body: Value): ActionDefinition => ({
  type: 'Response',
  kind: 'Http',
  inputs: { statusCode, body: plain(body) },
});

/** Calls a child flow (in the same solution) by its workflow id; `body` keys are the child's input keys. */
export const runChildFlow = (workflowId: string, body: Record<string, Value>): ActionDefinition => ({
  type: 'Workflow',
  inputs: { host: { workflowReferenceName: workflowId }, body: plain(body) },
});

interface ManualInput {
  /** Designer-style key: text, text_1, boolean, … */
  key: string;
  title: string;
  type: 'string' | 'boolean' | 'number';
  description: string;
  required: boolean;
}

const CONTENT_HINT = { string: 'TEXT', boolean: 'BOOLEAN', number: 'NUMBER' } as const;

/** The manual trigger (instant flows and child flows), with the designer's input schema (open-points §7). */
export function manualTrigger(inputs: readonly ManualInput[]): TriggerDefinition {
  return {
    type: 'Request',
    kind: 'Button',
    inputs: {
      schema: {
        type: 'object',
        properties: Object.fromEntries(
          inputs.map((input) => [
            input.key,
            {
              title: input.title,
              type: input.type,
              'x-ms-dynamically-added': true,
              description: input.description,
              'x-ms-content-hint': CONTENT_HINT[input.type],
            },
          ]),
        ),
        required: inputs.filter((input) => input.required).map((input) => input.key),
      },
    },
  };
}

/**
 * "When a HTTP request is received", POST only, with the body schema the flow expects. Callable by anyone with
 * the URL ("All"): the caller is Partner Center, from outside the tenant and without an Entra token, and new flows
 * otherwise default to "Any user in my tenant" (learn.microsoft.com/power-automate/oauth-authentication). The URL's
 * signature is the secret; the flow trusts nothing in the body and re-reads the referral.
 */
export const httpRequestTrigger = (schema: Record<string, unknown>): TriggerDefinition => ({
  type: 'Request',
  kind: 'Http',
  inputs: { triggerAuthenticationType: 'All', method: 'POST', schema },
});

export const recurrenceTrigger = (frequency: 'Minute' | 'Hour' | 'Day', interval: number): TriggerDefinition => ({
  type: 'Recurrence',
  recurrence: { frequency, interval },
});
