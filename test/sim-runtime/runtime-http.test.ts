/** startHttpEndpoint: a Request-triggered flow served on 127.0.0.1 over real HTTP. */
import type { ConnectorResponse } from '../../sim/contracts.js';
import { FakeConnectors, HTTP_TRIGGER, ok, runtimeWith, statuses, type Json } from './support.js';

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe('startHttpEndpoint', () => {
  test('answers with the Response action as soon as it runs, while the run goes on (idle() waits for it)', async () => {
    let release!: (response: ConnectorResponse) => void;
    const pending = new Promise<ConnectorResponse>((resolve) => {
      release = resolve;
    });
    const connectors = new FakeConnectors(() => pending);
    const { runtime } = runtimeWith(
      {
        Accept: {
          type: 'Response',
          kind: 'Http',
          inputs: {
            statusCode: 202,
            headers: { 'x-event': "@triggerBody()?['EventName']" },
            body: { accepted: true, event: "@triggerBody()?['EventName']" },
          },
        },
        Slow_work: {
          type: 'OpenApiConnection',
          runAfter: { Accept: ['Succeeded'] },
          inputs: {
            host: { connectionName: 'shared_commondataserviceforapps', operationId: 'ListRecords' },
            parameters: { entityName: 'accounts' },
          },
        },
      },
      { triggers: HTTP_TRIGGER, connectors },
    );
    const endpoint = await runtime.startHttpEndpoint('flow');
    try {
      expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/workflows\/flow\/triggers\/manual\/paths\/invoke$/);
      const answer = await post(endpoint.url, JSON.stringify({ EventName: 'referral-created' }));
      expect(answer.status).toBe(202);
      expect(JSON.parse(answer.text)).toEqual({ accepted: true, event: 'referral-created' });
      expect(answer.headers.get('x-event')).toBe('referral-created');
      expect(runtime.history()).toHaveLength(0);
      let idle = false;
      const waiting = runtime.idle().then(() => {
        idle = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(idle).toBe(false);
      release(ok({ value: [] }));
      await waiting;
      const [run] = runtime.history();
      expect(run).toMatchObject({ status: 'Succeeded', response: { statusCode: 202 } });
      expect(statuses(run!)).toEqual({ Accept: 'Succeeded', Slow_work: 'Succeeded' });
      expect(run!.trigger.outputs).toMatchObject({
        body: { EventName: 'referral-created' },
        headers: { 'content-type': 'application/json' },
      });
    } finally {
      await endpoint.close();
    }
  });

  test('202 when the run ends without a Response; a failed Response-less run also answers 202', async () => {
    const { runtime } = runtimeWith({ Note: { type: 'Compose', inputs: "@triggerBody()?['x']" } }, { triggers: HTTP_TRIGGER });
    const endpoint = await runtime.startHttpEndpoint('flow');
    try {
      const answer = await post(endpoint.url, JSON.stringify({ x: 1 }));
      expect(answer.status).toBe(202);
      expect(answer.text).toBe('');
      expect(answer.headers.get('x-ms-workflow-run-id')).toBe(runtime.history()[0]!.runId);
    } finally {
      await endpoint.close();
    }
  });

  test('a body that is not JSON is refused with 400 and starts no run', async () => {
    const { runtime } = runtimeWith({ Note: { type: 'Compose', inputs: 1 } }, { triggers: HTTP_TRIGGER });
    const endpoint = await runtime.startHttpEndpoint('flow');
    try {
      const answer = await post(endpoint.url, '{not json');
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).error.code).toBe('InvalidRequestContent');
      const wrongMethod = await fetch(endpoint.url, { method: 'GET' });
      expect(wrongMethod.status).toBe(405);
      expect(runtime.history()).toHaveLength(0);
    } finally {
      await endpoint.close();
    }
  });

  test.each([
    ['says nothing (new flows default to "Any user in my tenant")', { method: 'POST', schema: {} }],
    ['says "Tenant"', { triggerAuthenticationType: 'Tenant', method: 'POST', schema: {} }],
  ])('a trigger that %s refuses a caller without a bearer token with 401 and starts no run', async (_case, inputs) => {
    // Contract point (oauth-authentication on learn): only "All" lets anyone with the URL start the flow.
    const { runtime } = runtimeWith(
      { Note: { type: 'Compose', inputs: 1 } },
      { triggers: { manual: { type: 'Request', kind: 'Http', inputs } } },
    );
    const endpoint = await runtime.startHttpEndpoint('flow');
    try {
      const anonymous = await post(endpoint.url, '{}');
      expect(anonymous.status).toBe(401);
      expect(runtime.history()).toHaveLength(0);
      const signedIn = await fetch(endpoint.url, {
        method: 'POST',
        body: '{}',
        headers: { authorization: 'Bearer token-of-a-tenant-user' },
      });
      expect(signedIn.status).toBe(202);
      expect(runtime.history()).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });

  test('Response + Terminate Cancelled: the caller gets the 400, the run is Cancelled', async () => {
    const actions: Json = {
      Reject: { type: 'Response', kind: 'Http', inputs: { statusCode: 400, body: { error: 'not a referral event' } } },
      Stop: { type: 'Terminate', runAfter: { Reject: ['Succeeded'] }, inputs: { runStatus: 'Cancelled' } },
    };
    const { runtime } = runtimeWith(actions, { triggers: HTTP_TRIGGER });
    const endpoint = await runtime.startHttpEndpoint('flow');
    try {
      const answer = await post(endpoint.url, '{}');
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ error: 'not a referral event' });
      await runtime.idle();
      expect(runtime.history()[0]).toMatchObject({ status: 'Cancelled', response: { statusCode: 400 } });
    } finally {
      await endpoint.close();
    }
  });

  test('runHttp and runManual record the Response on the run; Response needs a Request trigger', async () => {
    const { runtime } = runtimeWith(
      { Answer: { type: 'Response', kind: 'PowerApp', inputs: { statusCode: 200, body: { echo: "@triggerBody()?['text']" } } } },
      { triggers: HTTP_TRIGGER },
    );
    expect((await runtime.runHttp('flow', { headers: { a: 'b' }, body: { text: 'hi' } })).response).toEqual({
      statusCode: 200,
      body: { echo: 'hi' },
    });
    expect((await runtime.runManual('flow', { text: 'yo' })).response).toEqual({ statusCode: 200, body: { echo: 'yo' } });

    const recurring = runtimeWith(
      { Answer: { type: 'Response', inputs: { statusCode: 200 } } },
      { triggers: { Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } } } },
    );
    const run = await recurring.runtime.runRecurrence('flow');
    expect(run.status).toBe('Failed');
    expect(run.error?.message).toMatch(/only valid in a flow with a Request/);
  });
});
