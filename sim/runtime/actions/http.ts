/** HTTP: the Http action (a real fetch) and the Response action (the run's answer to its caller). */
import type { ConnectorResponse } from '../../contracts.js';
import { ActionError, TemplateError } from '../errors.js';
import { isObject, stringify, type JsonObject, type Value } from '../functions/support.js';
import { lower, SUCCEEDED, type Outcome } from '../model.js';
import { answered, withRetry } from './answer.js';
import type { ActionCall, RunContext } from './context.js';

export function respond(run: RunContext, { definition, step }: ActionCall): Outcome {
  if (lower(run.flow.trigger.type) !== 'request')
    throw new ActionError(
      'InvalidTemplate',
      'A Response action is only valid in a flow with a Request (HTTP, manual or PowerApp) trigger.',
    );
  const inputs = run.evaluate(definition.inputs ?? {}) as JsonObject;
  const statusCode = inputs.statusCode === undefined ? 200 : Number(inputs.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new TemplateError(`The Response status code must be an integer from 100 to 599, not '${stringify(inputs.statusCode)}'.`);
  }
  if (run.state.response)
    throw new ActionError('ActionResponseAlreadySent', 'The run already sent its response; a run answers its caller once.');
  const headers: Record<string, string> = {};
  if (isObject(inputs.headers)) for (const [header, value] of Object.entries(inputs.headers)) headers[header] = stringify(value);
  const body = inputs.body ?? null;
  run.state.response = { statusCode, headers, body };
  step.inputs = { statusCode, headers, body };
  step.outputs = { statusCode, headers, body };
  run.start.onResponse?.(run.state.response);
  return SUCCEEDED;
}

export async function http(run: RunContext, { definition, step }: ActionCall): Promise<Outcome> {
  const raw = isObject(definition.inputs) ? definition.inputs : {};
  const { retryPolicy, ...rest } = raw;
  const inputs = run.evaluate(rest) as JsonObject;
  step.inputs = inputs;
  const method = typeof inputs.method === 'string' ? inputs.method.toUpperCase() : 'GET';
  const url = requestUrl(inputs);
  const headers: Record<string, string> = {};
  if (isObject(inputs.headers)) for (const [key, value] of Object.entries(inputs.headers)) headers[key] = stringify(value);
  authenticate(inputs, headers);
  const body = requestBody(inputs.body, headers);
  const response = await withRetry(run.clock, retryPolicy, () => send(url, method, headers, body));
  return answered(response, step);
}

function requestUrl(inputs: JsonObject): URL {
  let url: URL;
  try {
    url = new URL(String(inputs.uri));
  } catch {
    throw new ActionError('InvalidTemplate', `The HTTP action's uri '${stringify(inputs.uri)}' is not an absolute URI.`);
  }
  if (isObject(inputs.queries)) for (const [key, value] of Object.entries(inputs.queries)) url.searchParams.append(key, stringify(value));
  return url;
}

function authenticate(inputs: JsonObject, headers: Record<string, string>): void {
  const authentication = isObject(inputs.authentication) ? inputs.authentication : undefined;
  if (authentication && lower(authentication.type) === 'raw' && typeof authentication.value === 'string')
    headers.Authorization = authentication.value;
  if (authentication && lower(authentication.type) === 'basic') {
    headers.Authorization = `Basic ${Buffer.from(`${stringify(authentication.username)}:${stringify(authentication.password)}`).toString('base64')}`;
  }
}

/** A string as is, `{ $content }` as its bytes, anything else as JSON (with a JSON content type unless one is set). */
function requestBody(body: Value, headers: Record<string, string>): string | Blob | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (isObject(body) && typeof body.$content === 'string') return new Blob([Buffer.from(body.$content, 'base64')]);
  if (!Object.keys(headers).some((key) => key.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  return JSON.stringify(body);
}

async function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Blob | undefined,
): Promise<ConnectorResponse> {
  const answer = await fetch(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
  const text = await answer.text();
  const answerHeaders: Record<string, string> = {};
  answer.headers.forEach((value, key) => {
    answerHeaders[key] = value;
  });
  let parsed: Value = text === '' ? null : text;
  if (text !== '' && /json/i.test(answer.headers.get('content-type') ?? '')) {
    try {
      parsed = JSON.parse(text) as Value;
    } catch {
      parsed = text;
    }
  }
  return { statusCode: answer.status, headers: answerHeaders, body: parsed };
}
