/**
 * A Dataverse Web API client over an injected `fetch`: the headers every call needs, a bearer token from an
 * injected provider, 429 answered by waiting what `Retry-After` says (else 2^n seconds, Microsoft's retry
 * sample) through an injected `sleep`, and errors turned into messages that say what failed and how to fix it.
 * Tokens never appear in a message or in the recorded calls.
 */
import { UserError } from '../core/errors.js';
import { WEB_API_PATH } from './constants.js';

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<Response>;

export interface WebApiOptions {
  orgUrl: string;
  /** Resolves to an access token for `<orgUrl>/.default`. */
  token: () => Promise<string>;
  fetch?: Fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries of one request answered 429 (default 5). */
  maxRetries?: number;
}

export interface WebApiCall {
  method: string;
  /** Path and query below the Web API root, as sent. */
  path: string;
  status: number;
}

export interface WebApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A Web API call that failed: the status and Dataverse's own code and message, plus what to do. */
export class WebApiError extends UserError {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly serviceMessage: string,
    what: string,
    fix: string,
  ) {
    super(undefined, undefined, `${what} failed: HTTP ${status}${code ? ` ${code}` : ''}: ${serviceMessage}`, fix);
  }
}

export class WebApi {
  readonly calls: WebApiCall[] = [];
  readonly orgUrl: string;
  private readonly fetchImpl: Fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;

  constructor(private readonly options: WebApiOptions) {
    this.orgUrl = options.orgUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxRetries = options.maxRetries ?? 5;
  }

  get(path: string, what: string): Promise<unknown> {
    return this.send('GET', path, undefined, what).then((response) => response.body);
  }

  post(path: string, body: unknown, what: string): Promise<unknown> {
    return this.send('POST', path, body, what).then((response) => response.body);
  }

  async patch(path: string, body: unknown, what: string): Promise<void> {
    await this.send('PATCH', path, body, what, { 'If-Match': '*' });
  }

  /** One request, retried while throttled (429). Any other non-2xx answer is a WebApiError. */
  async send(
    method: string,
    path: string,
    body: unknown,
    what: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<WebApiResponse> {
    const url = `${this.orgUrl}${WEB_API_PATH}/${path}`;
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.options.token();
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'OData-Version': '4.0',
        'OData-MaxVersion': '4.0',
        ...(body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
        ...extraHeaders,
      };
      let response: Response;
      try {
        response = await this.fetchImpl(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      } catch (error) {
        throw new UserError(
          undefined,
          undefined,
          `${what} failed: ${this.orgUrl} cannot be reached (${causeOf(error)})`,
          'check the orgUrl of the environment in pac.config.json and the network (proxy, VPN)',
        );
      }
      this.calls.push({ method, path, status: response.status });
      const text = await response.text();
      const parsed = parseBody(text);
      if (response.status === 429 && attempt < this.maxRetries) {
        await this.sleep(retryDelayMs(response.headers.get('Retry-After'), attempt));
        continue;
      }
      if (response.status >= 200 && response.status < 300) return { status: response.status, headers: response.headers, body: parsed };
      throw errorOf(response.status, parsed, text, what, this.orgUrl);
    }
  }
}

/** Retry-After in seconds (or an HTTP date), else 2^attempt seconds. */
export function retryDelayMs(retryAfter: string | null, attempt: number): number {
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return 2 ** attempt * 1000;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorOf(status: number, body: unknown, text: string, what: string, orgUrl: string): WebApiError {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const message = error?.message ?? (text.slice(0, 300) || '(no body)');
  const fix =
    status === 401
      ? `the token was refused: check that the app registration's client id and secret/certificate are right and that an application user for it exists in ${orgUrl} (README: one-time set-up)`
      : status === 403
        ? `the application user lacks a privilege: give it the System Customizer (or System Administrator) security role in ${orgUrl}`
        : status === 429
          ? 'Dataverse throttled the calls (service protection limits); run again in a few minutes'
          : status === 404 && /Resource not found|No HTTP resource/.test(message)
            ? `${orgUrl} does not answer this Web API call: check that orgUrl is the environment URL (https://<org>.crm.dynamics.com)`
            : 'see the message from Dataverse above; the Solution History in the maker portal has the details of an import';
  return new WebApiError(status, error?.code, message, what, fix);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
