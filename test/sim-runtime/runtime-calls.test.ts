/** Connector calls (exact requests, retries, errors), the Http action over real HTTP, and child flows. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock } from '../../sim/runtime/clock.js';
import { FlowRuntime } from '../../sim/runtime/runtime.js';
import { action, dataverse, FakeConnectors, flowDocument, ok, runtimeWith, START, statuses, type Json } from './support.js';

const getOpportunity = (extra: Json = {}): Json => ({
  Get_opportunity: dataverse(
    'GetItem',
    { entityName: 'opportunities', recordId: "@triggerBody()?['id']", $select: "@concat('name', ',', 'statecode')" },
    extra,
  ),
  Name: { type: 'Compose', runAfter: { Get_opportunity: ['Succeeded'] }, inputs: "@body('Get_opportunity')?['name']" },
});

const expectedRequest = {
  apiName: 'shared_commondataserviceforapps',
  connectionReferenceLogicalName: 'pcs_Dataverse',
  operationId: 'GetItem',
  parameters: { entityName: 'opportunities', recordId: 'opp-1', $select: 'name,statecode' },
};

describe('OpenApiConnection', () => {
  test('sends the evaluated parameters through the connection reference; outputs are statusCode, headers, body', async () => {
    const connectors = new FakeConnectors(() => ok({ name: 'Deal' }, { etag: 'W/"1"' }));
    const { runtime } = runtimeWith(getOpportunity(), { connectors });
    const run = await runtime.runManual('flow', { id: 'opp-1' });
    expect(connectors.calls).toEqual([expectedRequest]);
    expect(action(run, 'Get_opportunity').outputs).toEqual({ statusCode: 200, headers: { etag: 'W/"1"' }, body: { name: 'Deal' } });
    expect(action(run, 'Get_opportunity').inputs).toMatchObject({
      host: { connectionName: 'shared_commondataserviceforapps', operationId: 'GetItem' },
      parameters: expectedRequest.parameters,
    });
    expect(action(run, 'Name').outputs).toBe('Deal');
  });

  test('429 with Retry-After: waits exactly that long on the clock, then retries the same request', async () => {
    const clock = new VirtualClock(START);
    const connectors = new FakeConnectors(
      (_request, attempt) =>
        attempt === 1
          ? { statusCode: 429, headers: { 'Retry-After': '7' }, body: { error: { message: 'Rate limit is exceeded' } } }
          : ok({ name: 'Deal' }),
      clock,
    );
    const runtime = new FlowRuntime({ clock, connectors });
    runtime.register({ id: 'flow', name: 'Retry', document: flowDocument(getOpportunity()) });
    const run = await runtime.runManual('flow', { id: 'opp-1' });
    expect(connectors.calls).toEqual([expectedRequest, expectedRequest]);
    expect(connectors.times).toEqual(['2018-04-15T13:00:00.000Z', '2018-04-15T13:00:07.000Z']);
    expect(action(run, 'Get_opportunity')).toMatchObject({
      status: 'Succeeded',
      startTime: '2018-04-15T13:00:00.000Z',
      endTime: '2018-04-15T13:00:07.000Z',
    });
    expect(run.status).toBe('Succeeded');
  });

  test('the default policy (none given) retries 5xx 4 times at 7.5 s, 15 s, 30 s, 45 s, then fails with the body message', async () => {
    const clock = new VirtualClock(START);
    const connectors = new FakeConnectors(
      () => ({ statusCode: 503, headers: {}, body: { error: { code: 'ServiceUnavailable', message: 'Try later' } } }),
      clock,
    );
    const { runtime } = runtimeWith(getOpportunity(), { connectors });
    const run = await runtime.runManual('flow', { id: 'opp-1' });
    expect(connectors.calls).toHaveLength(5);
    expect(action(run, 'Get_opportunity')).toMatchObject({ status: 'Failed', error: { code: 'ServiceUnavailable', message: 'Try later' } });
    expect(run.error).toEqual({ code: 'ServiceUnavailable', message: 'Try later at Get_opportunity' });
    expect(Date.parse(run.endTime) - Date.parse(run.startTime)).toBe(97500);
  });

  test('retryPolicy none, fixed and exponential', async () => {
    const failing = (): FakeConnectors => new FakeConnectors(() => ({ statusCode: 500, headers: {}, body: 'boom' }));
    const none = failing();
    await runtimeWith(getOpportunity({ retryPolicy: { type: 'none' } }), { connectors: none }).runtime.runManual('flow', { id: 'opp-1' });
    expect(none.calls).toHaveLength(1);

    const fixed = failing();
    const fixedRun = await runtimeWith(getOpportunity({ retryPolicy: { type: 'fixed', count: 2, interval: 'PT20S' } }), {
      connectors: fixed,
    }).runtime.runManual('flow', { id: 'opp-1' });
    expect(fixed.calls).toHaveLength(3);
    expect(Date.parse(fixedRun.endTime) - Date.parse(fixedRun.startTime)).toBe(40000);
    expect(action(fixedRun, 'Get_opportunity').error).toEqual({ code: 'InternalServerError', message: 'boom' });

    const exponential = failing();
    const exponentialRun = await runtimeWith(
      getOpportunity({
        retryPolicy: { type: 'exponential', count: 3, interval: 'PT10S', minimumInterval: 'PT5S', maximumInterval: 'PT1H' },
      }),
      { connectors: exponential },
    ).runtime.runManual('flow', { id: 'opp-1' });
    expect(exponential.calls).toHaveLength(4);
    expect(Date.parse(exponentialRun.endTime) - Date.parse(exponentialRun.startTime)).toBe(10000 + 20000 + 40000);
  });

  test('4xx answers are not retried; outputs stay readable by a runAfter-Failed handler', async () => {
    const connectors = new FakeConnectors(() => ({
      statusCode: 412,
      headers: {},
      body: { error: { code: 'PreconditionFailed', message: 'ETag mismatch' } },
    }));
    const { runtime } = runtimeWith(
      {
        ...getOpportunity(),
        Stale: {
          type: 'Compose',
          runAfter: { Get_opportunity: ['Failed'] },
          inputs: "@equals(outputs('Get_opportunity')?['statusCode'], 412)",
        },
      },
      { connectors },
    );
    const run = await runtime.runManual('flow', { id: 'opp-1' });
    expect(connectors.calls).toHaveLength(1);
    expect(action(run, 'Get_opportunity').error).toEqual({ code: 'PreconditionFailed', message: 'ETag mismatch' });
    expect(action(run, 'Stale').outputs).toBe(true);
    expect(statuses(run)).toMatchObject({ Name: 'Skipped' });
    expect(run.status).toBe('Succeeded');
  });

  test('a router that throws counts as a connectivity error: retried, then the action fails', async () => {
    const connectors = new FakeConnectors(() => {
      throw new Error('ECONNREFUSED 127.0.0.1:1');
    });
    const { runtime } = runtimeWith(getOpportunity({ retryPolicy: { type: 'fixed', count: 1, interval: 'PT5S' } }), { connectors });
    const run = await runtime.runManual('flow', { id: 'opp-1' });
    expect(connectors.calls).toHaveLength(2);
    expect(action(run, 'Get_opportunity').error).toEqual({
      code: 'ServiceUnavailable',
      message: 'The call failed: ECONNREFUSED 127.0.0.1:1',
    });
  });

  test('a connection name missing from connectionReferences fails the action', async () => {
    const { runtime } = runtimeWith({
      Call: {
        type: 'OpenApiConnection',
        inputs: { host: { connectionName: 'shared_office365', operationId: 'SendEmailV2' }, parameters: {} },
      },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Call').error?.code).toBe('ConnectionNotFound');
  });

  test('an expression error in the parameters fails the action before any call', async () => {
    const connectors = new FakeConnectors();
    const { runtime } = runtimeWith(
      { Call: dataverse('GetItem', { entityName: 'opportunities', recordId: "@triggerBody()['missing']" }) },
      { connectors },
    );
    const run = await runtime.runManual('flow', {});
    expect(connectors.calls).toHaveLength(0);
    expect(action(run, 'Call').error).toEqual({
      code: 'InvalidTemplate',
      message:
        "The template language expression 'triggerBody()['missing']' cannot be evaluated because property 'missing' doesn't exist, available properties are '' at Call",
    });
  });
});

describe('Http action (real HTTP)', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; headers: Record<string, unknown>; body: string }> = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString() });
        if (request.url?.startsWith('/flaky') && failuresLeft > 0) {
          failuresLeft -= 1;
          response.writeHead(503, { 'Retry-After': '1' });
          response.end('busy');
          return;
        }
        if (request.url?.startsWith('/missing')) {
          response.writeHead(404, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify({ error: { message: 'No such thing' } }));
          return;
        }
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ echo: request.url, received: Buffer.concat(chunks).toString() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('sends method, uri with queries, headers and a JSON body; parses a JSON answer', async () => {
    const { runtime } = runtimeWith({
      Call: {
        type: 'Http',
        inputs: {
          method: 'POST',
          uri: `${base}/things`,
          queries: { page: '@add(1, 1)' },
          headers: { 'x-id': "@triggerBody()?['id']" },
          body: { id: "@triggerBody()?['id']" },
        },
      },
      Echo: { type: 'Compose', runAfter: { Call: ['Succeeded'] }, inputs: "@body('Call')?['echo']" },
    });
    const run = await runtime.runManual('flow', { id: 'a1' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/things?page=2', body: '{"id":"a1"}' });
    expect(seen.at(-1)!.headers).toMatchObject({ 'x-id': 'a1', 'content-type': 'application/json' });
    expect(action(run, 'Echo').outputs).toBe('/things?page=2');
    expect((action(run, 'Call').outputs as Json).statusCode).toBe(200);
  });

  test('retries a 503 after its Retry-After, and fails on 404 with the answer message', async () => {
    failuresLeft = 1;
    const { runtime, clock } = runtimeWith({
      Flaky: { type: 'Http', inputs: { method: 'GET', uri: `${base}/flaky` } },
      Missing: {
        type: 'Http',
        runAfter: { Flaky: ['Succeeded'] },
        inputs: { method: 'GET', uri: `${base}/missing`, retryPolicy: { type: 'none' } },
      },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Flaky').status).toBe('Succeeded');
    expect(clock.now().toISOString()).toBe('2018-04-15T13:00:01.000Z');
    expect(action(run, 'Missing').error).toEqual({ code: 'NotFound', message: 'No such thing' });
  });
});

describe('Workflow (child flow)', () => {
  function parentAndChild(childActions: Json): FlowRuntime {
    const connectors = new FakeConnectors(() => ok());
    const runtime = new FlowRuntime({ clock: new VirtualClock(START), connectors });
    runtime.register({ id: 'child-id', name: 'Child', document: flowDocument(childActions) });
    runtime.register({
      id: 'parent',
      name: 'Parent',
      document: flowDocument({
        Call_child: {
          type: 'Workflow',
          inputs: { host: { workflowReferenceName: 'child-id' }, body: { text: "@triggerBody()?['value']" } },
        },
        Use: { type: 'Compose', runAfter: { Call_child: ['Succeeded'] }, inputs: "@body('Call_child')?['answer']" },
        On_failure: { type: 'Compose', runAfter: { Call_child: ['Failed'] }, inputs: "@actions('Call_child')?['error']?['code']" },
      }),
    });
    return runtime;
  }

  test("runs the child with inputs.body as its trigger body; outputs are the child's Response", async () => {
    const runtime = parentAndChild({
      Respond: {
        type: 'Response',
        kind: 'PowerApp',
        inputs: { statusCode: 200, body: { answer: "@concat('got ', triggerBody()?['text'])" } },
      },
    });
    const run = await runtime.runManual('parent', { value: 'x' });
    expect(action(run, 'Use').outputs).toBe('got x');
    expect(action(run, 'Call_child').outputs).toMatchObject({ statusCode: 200, body: { answer: 'got x' } });
    const child = runtime.history().find((candidate) => candidate.flowId === 'child-id')!;
    expect(child).toMatchObject({
      status: 'Succeeded',
      trigger: { outputs: { body: { text: 'x' } } },
      response: { statusCode: 200, body: { answer: 'got x' } },
    });
    expect(runtime.history().map((candidate) => candidate.flowName)).toEqual(['Child', 'Parent']);
  });

  test('a failed child fails the action', async () => {
    const runtime = parentAndChild({ Bad: { type: 'Compose', inputs: "@int('x')" } });
    const run = await runtime.runManual('parent', { value: 'x' });
    expect(action(run, 'Call_child').status).toBe('Failed');
    expect(action(run, 'Call_child').error?.code).toBe('ChildFlowFailed');
    expect(action(run, 'Call_child').error?.message).toMatch(/The child flow 'Child' \(run \w+\) ended Failed: .* at Bad/);
    expect(action(run, 'On_failure').outputs).toBe('ChildFlowFailed');
  });

  test('a child answering 4xx fails the action; an unknown child is WorkflowNotFound', async () => {
    const runtime = parentAndChild({
      Respond: { type: 'Response', kind: 'PowerApp', inputs: { statusCode: 400, body: { message: 'bad input' } } },
    });
    const run = await runtime.runManual('parent', { value: 'x' });
    expect(action(run, 'Call_child').error).toEqual({ code: 'BadRequest', message: 'bad input' });

    const lonely = new FlowRuntime({ clock: new VirtualClock(START), connectors: new FakeConnectors() });
    lonely.register({
      id: 'p',
      name: 'P',
      document: flowDocument({ Call: { type: 'Workflow', inputs: { host: { workflowReferenceName: 'nope' }, body: {} } } }),
    });
    const lonelyRun = await lonely.runManual('p', {});
    expect(action(lonelyRun, 'Call').error?.code).toBe('WorkflowNotFound');
  });
});
