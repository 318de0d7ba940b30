/** A small HTTP client over node:http(s), without connection reuse so servers stop promptly. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpResult {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export function sendHttp(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number },
): Promise<HttpResult> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: options.method,
        agent: false,
        headers: { ...(options.headers ?? {}), ...(body ? { 'Content-Length': String(body.length) } : {}) },
        timeout: options.timeoutMs ?? 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${options.timeoutMs ?? 30_000} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
