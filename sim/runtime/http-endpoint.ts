/**
 * Serves a flow's Request trigger on 127.0.0.1: a POST body (JSON) starts a run; the HTTP answer is the
 * Response action's as soon as it runs (the run goes on), 202 when the run ends without one, 400 for a
 * body that is not JSON (no run starts).
 *
 * Who may call it follows the trigger's `triggerAuthenticationType` (learn.microsoft.com/power-automate/
 * oauth-authentication): "All" is anyone with the URL; anything else, and a trigger that does not say (new flows
 * default to "Any user in my tenant"), needs an Entra bearer token, so a caller without one, such as Partner
 * Center's webhook, is refused with 401. The runtime does not validate tokens, and the status and error code of
 * the refusal are not documented: both are this file's assumptions (sim/runtime/README.md). A flow that is turned off
 * answers 400 WorkflowTriggerIsNotEnabled and starts no run (README "Turned off").
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOCK_HOLD_HEADER, type Clock, type FlowRun } from '../contracts.js';
import { FlowOffError, TriggerThrottledError } from './errors.js';
import type { JsonObject, Value } from './functions/support.js';
import type { HttpAnswer, RegisteredFlow, RunStart } from './model.js';

export interface HttpEndpoint {
  url: string;
  close(): Promise<void>;
}

type StartRun = (start: RunStart) => Promise<FlowRun>;

/** The trigger value that lets anyone with the URL start the flow. */
export const ANYONE = 'All';

export async function startHttpEndpoint(flow: RegisteredFlow, startRun: StartRun, clock?: Clock): Promise<HttpEndpoint> {
  const inputs = flow.trigger.inputs as JsonObject | undefined;
  const method = typeof inputs?.method === 'string' ? inputs.method.toUpperCase() : undefined;
  const access: Access = { method, anyone: inputs?.triggerAuthenticationType === ANYONE };
  const server = createServer((request, response) => {
    serve(access, request, response, startRun, clock).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { code: 'SimulatorError', message: (error as Error).message } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/workflows/${encodeURIComponent(flow.id)}/triggers/${encodeURIComponent(flow.triggerName)}/paths/invoke`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Access {
  method: string | undefined;
  /** triggerAuthenticationType "All": no token needed. */
  anyone: boolean;
}

async function serve(
  { method, anyone }: Access,
  request: IncomingMessage,
  response: ServerResponse,
  startRun: StartRun,
  clock: Clock | undefined,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  // The sender held the clock for the trip; from here on the run (or the refusal) is what time waits for.
  const hold = request.headers[CLOCK_HOLD_HEADER];
  const releaseHold = (): void => {
    if (typeof hold === 'string') clock?.release?.(hold);
  };
  try {
    await answerRequest({ method, anyone }, request, Buffer.concat(chunks), response, startRun, releaseHold);
  } finally {
    releaseHold();
  }
}

async function answerRequest(
  { method, anyone }: Access,
  request: IncomingMessage,
  rawBody: Buffer,
  response: ServerResponse,
  startRun: StartRun,
  runStarted: () => void,
): Promise<void> {
  if (!anyone && !/^Bearer \S+/i.test(request.headers.authorization ?? '')) {
    sendJson(response, 401, {
      error: {
        code: 'Unauthorized',
        message: 'The trigger accepts only callers of the tenant with an Entra bearer token (triggerAuthenticationType is not "All").',
      },
    });
    return;
  }
  if (method && request.method !== method) {
    sendJson(response, 405, { error: { code: 'MethodNotAllowed', message: `The trigger accepts ${method}, not ${request.method}.` } });
    return;
  }
  const parsed = parseBody(rawBody.toString('utf8'));
  if ('problem' in parsed) {
    sendJson(response, 400, { error: { code: 'InvalidRequestContent', message: `The request body is not valid JSON: ${parsed.problem}` } });
    return;
  }
  const body = parsed.body;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== CLOCK_HOLD_HEADER) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let answered = false;
  const answer = ({ statusCode, headers: answerHeaders, body: answerBody }: HttpAnswer): void => {
    if (answered) return;
    answered = true;
    writeAnswer(response, statusCode, answerHeaders, answerBody);
  };
  const running = startRun({ outputs: { headers, body }, onResponse: answer });
  runStarted();
  let run: FlowRun;
  try {
    run = await running;
  } catch (error) {
    if (error instanceof FlowOffError) {
      sendJson(response, 400, { error: { code: error.code, message: error.message } });
      return;
    }
    if (!(error instanceof TriggerThrottledError)) throw error;
    sendJson(response, 429, { error: { code: 'TooManyRequests', message: error.message } });
    return;
  }
  answer({ statusCode: 202, headers: { 'x-ms-workflow-run-id': run.runId }, body: null });
}

/** The JSON body (null when empty), or why it is not JSON. */
function parseBody(text: string): { body: Value } | { problem: string } {
  if (text.trim() === '') return { body: null };
  try {
    return { body: JSON.parse(text) as Value };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

function writeAnswer(response: ServerResponse, statusCode: number, headers: Record<string, string>, body: Value): void {
  const isText = typeof body === 'string';
  const payload = body === null || body === undefined ? '' : isText ? body : JSON.stringify(body);
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  const contentType =
    payload === '' || hasType ? {} : { 'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' };
  response.writeHead(statusCode, { ...contentType, ...headers });
  response.end(payload);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
