/** The Referrals API (`/v1.0/engagements/referrals`): list (OData options, server-driven paging), create, get, PUT, PATCH. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../contracts.js';
import { compileFilter, compileOrderBy } from './odata.js';
import { createdReferral, stripServerProperties, type Partner } from './referral-documents.js';
import { ApiError, applyJsonPatch, checkStatusPair, checkTransition, validateReferralBody, type JsonObject } from './referral-model.js';
import { REFERRALS_PATH, render, type ReferralStore, type StoredReferral } from './referral-store.js';
import type { Reply } from './reply.js';

export interface ReferralsContext {
  readonly store: ReferralStore;
  readonly clock: Clock;
  readonly partner: Partner;
  /** Server-driven page size of the list. */
  readonly pageSize: number;
  readonly baseUrl: string;
}

type StatusPair = { status: unknown; substatus: unknown };

export function listReferrals(context: ReferralsContext, url: URL): Reply {
  const params = url.searchParams;
  const items = selectedReferrals(context.store.all(), params);
  const top = nonNegativeInteger(params.get('$top'), '$top');
  const skip = nonNegativeInteger(params.get('$skip'), '$skip') ?? 0;
  const total = items.length;
  const windowEnd = top === undefined ? total : Math.min(total, skip + top);
  const token = params.get('$skiptoken');
  const offset = token === null ? skip : decodeSkipToken(token);
  const pageEnd = Math.min(windowEnd, offset + context.pageSize);
  const select = params.get('$select');
  const fields = select
    ? select
        .split(',')
        .map((field) => field.trim())
        .filter((field) => field !== '')
    : undefined;
  const value = items.slice(offset, Math.max(offset, pageEnd)).map((stored) => {
    const rendered = render(stored, context.baseUrl);
    return fields ? Object.fromEntries(fields.filter((field) => field in rendered).map((field) => [field, rendered[field]])) : rendered;
  });
  const body: JsonObject = { '@odata.context': `${context.baseUrl}/v1.0/$metadata#Referrals`, '@odata.count': total, value };
  if (pageEnd < windowEnd) body['@odata.nextLink'] = nextLink(context.baseUrl, params, pageEnd);
  return { status: 200, body };
}

/** `$filter`, then `$orderby` (ties keep creation order). */
function selectedReferrals(all: StoredReferral[], params: URLSearchParams): StoredReferral[] {
  let items = all;
  const filter = params.get('$filter');
  if (filter !== null && filter.trim() !== '') {
    const test = compileFilter(filter);
    items = items.filter((stored) => test(stored.doc));
  }
  const orderBy = params.get('$orderby');
  if (orderBy !== null && orderBy.trim() !== '') {
    const compare = compileOrderBy(orderBy);
    items = [...items].sort((a, b) => compare(a.doc, b.doc) || a.sequence - b.sequence);
  }
  return items;
}

function nextLink(baseUrl: string, params: URLSearchParams, offset: number): string {
  const next = new URLSearchParams(params);
  next.set('$skiptoken', Buffer.from(JSON.stringify({ offset })).toString('base64url'));
  const query = [...next].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return `${baseUrl}${REFERRALS_PATH}?${query}`;
}

export function createReferral(context: ReferralsContext, body: unknown): Reply {
  validateReferralBody(body);
  const doc = createdReferral(context.partner, body, engagementOf(context.store, body.engagementId), context.clock.now());
  checkStatusPair(String(doc.status), String(doc.substatus));
  const stored = context.store.insert(doc, 'partner');
  const rendered = render(stored, context.baseUrl);
  return {
    status: 201,
    headers: { ETag: String(stored.doc.eTag), Location: String((rendered.links as JsonObject & { self: { uri: string } }).self.uri) },
    body: rendered,
  };
}

/** A new engagement, or the one of ours the body names (joining it). */
function engagementOf(store: ReferralStore, engagementId: unknown): string {
  if (typeof engagementId !== 'string' || engagementId === '') return randomUUID();
  const joined = store.partnerReferralOf(engagementId);
  if (!joined) throw new ApiError(400, 'invalidRequest', `Engagement ${engagementId} was not found`, 'engagementId');
  return String(joined.doc.engagementId);
}

function existing(store: ReferralStore, id: string): StoredReferral {
  const stored = store.find(id);
  if (!stored) throw new ApiError(404, 'itemNotFound', `Referral ${id} was not found`, 'id');
  return stored;
}

export function getReferral(context: ReferralsContext, id: string): Reply {
  const stored = existing(context.store, id);
  const body = {
    '@odata.context': `${context.baseUrl}/v1.0/engagements/referrals/$metadata#Referrals/$entity`,
    ...render(stored, context.baseUrl),
  };
  return { status: 200, headers: { ETag: String(stored.doc.eTag) }, body };
}

/** Only our referrals change; `If-Match` (required by PUT) must name the current eTag. */
function checkWritable(stored: StoredReferral, ifMatch: string | undefined, required: boolean): void {
  if (stored.owner !== 'partner')
    throw new ApiError(403, 'accessDenied', `Referral ${String(stored.doc.id)} belongs to Microsoft and cannot be changed`, 'id');
  if (ifMatch === undefined || ifMatch.trim() === '') {
    if (required) throw new ApiError(400, 'invalidRequest', 'The If-Match header is required (the eTag from the latest GET)', 'If-Match');
    return;
  }
  if (!eTagMatches(ifMatch, String(stored.doc.eTag))) {
    throw new ApiError(412, 'preconditionFailed', `If-Match ${ifMatch} does not match the referral's current eTag`, 'If-Match');
  }
}

export function putReferral(context: ReferralsContext, id: string, body: unknown, ifMatch: string | undefined): Reply {
  const stored = existing(context.store, id);
  checkWritable(stored, ifMatch, true);
  validateReferralBody(body);
  if (typeof body.id === 'string' && body.id.toLowerCase() !== id.toLowerCase()) {
    throw new ApiError(400, 'invalidRequest', `The body's id ${body.id} is not the referral's id ${id}`, 'id');
  }
  const next: JsonObject = { ...stripServerProperties(body) };
  next.status ??= stored.doc.status;
  next.substatus ??= stored.doc.substatus;
  checkTransition(stored.doc as StatusPair, next as StatusPair);
  context.store.commit(stored, next);
  return { status: 200, headers: { ETag: String(stored.doc.eTag) }, body: render(stored, context.baseUrl) };
}

export function patchReferral(
  context: ReferralsContext,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  prefer: string | undefined,
): Reply {
  const stored = existing(context.store, id);
  checkWritable(stored, ifMatch, false);
  const next = applyJsonPatch(stored.doc, body);
  validateReferralBody(next, { partial: true });
  checkTransition(stored.doc as StatusPair, next as StatusPair);
  context.store.commit(stored, next);
  const headers = { ETag: String(stored.doc.eTag) };
  if (prefer !== undefined && /(^|[;,\s])return\s*=\s*representation\b/i.test(prefer)) {
    return { status: 200, headers: { ...headers, 'Preference-Applied': 'return=representation' }, body: render(stored, context.baseUrl) };
  }
  return { status: 204, headers };
}

function nonNegativeInteger(value: string | null, name: string): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new ApiError(400, 'invalidRequest', `${name} must be a non-negative integer; got ${JSON.stringify(value)}`, name);
  return Number(value.trim());
}

function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // falls through
  }
  throw new ApiError(400, 'invalidRequest', 'Invalid $skiptoken', '$skiptoken');
}

/** If-Match: `*`, or one of a comma-separated list of (weak or strong, quoted or not) eTags. */
function eTagMatches(ifMatch: string, current: string): boolean {
  const normalize = (value: string): string =>
    value
      .trim()
      .replace(/^W\//i, '')
      .replace(/^"(.*)"$/, '$1');
  return ifMatch.split(',').some((candidate) => candidate.trim() === '*' || normalize(candidate) === normalize(current));
}
