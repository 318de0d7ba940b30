/** URI parsing functions (System.Uri semantics: an absolute URI is required). */
import { expectString, fail, type CallContext, type FunctionImpl, type Value } from './support.js';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ftp:': 21, 'ws:': 80, 'wss:': 443 };

function parse(call: CallContext, values: Value[]): URL {
  const text = expectString(call, values, 0);
  try {
    return new URL(text);
  } catch {
    return fail(
      `The template language function '${call.name}' expects its parameter to be a well-formed absolute URI. The provided value is '${text}'.`,
    );
  }
}

export const URI_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  uriHost: (values, call) => parse(call, values).hostname,
  uriPath: (values, call) => parse(call, values).pathname || '/',
  uriPathAndQuery: (values, call) => {
    const url = parse(call, values);
    return (url.pathname || '/') + url.search;
  },
  uriPort: (values, call) => {
    const url = parse(call, values);
    return url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? -1) : Number(url.port);
  },
  uriQuery: (values, call) => parse(call, values).search,
  uriScheme: (values, call) => parse(call, values).protocol.replace(/:$/, ''),
};
