// The one reader of request values: which shapes of an event count as one copy and which as more than one.
// Event shapes: "Input to an API Gateway Lambda authorizer"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html) for REST and
// WebSocket multi-value maps; "Create AWS Lambda proxy integrations for HTTP APIs in API Gateway", payload format
// differences (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html)
// for payload 2.0 joining duplicate headers and query strings with commas.
import { describe, expect, it } from 'vitest';
import { joinedValueMap, readHeader, readQuery, restValueMap, singleOrThrow } from '../../runtime/request/single-value.js';
import { normalizeBearer } from '../../runtime/token/extract-token.js';

describe('reading one request value', () => {
  it('reads a header whose name differs in case from the configured one, when it is the only spelling', () => {
    expect(readHeader({ 'x-payment-amount': '100' }, 'X-Payment-Amount', 'scalar')).toEqual({ kind: 'one', value: '100' });
  });

  it('finds two spellings of one header name ambiguous, whichever comes first', () => {
    expect(readHeader({ 'x-a': '1', 'X-A': '2' }, 'X-A', 'scalar').kind).toBe('ambiguous');
    expect(readHeader({ 'X-A': '2', 'x-a': '1' }, 'x-a', 'scalar').kind).toBe('ambiguous');
  });

  it('keeps query names case-sensitive, as API Gateway does: accountid is another parameter than accountId', () => {
    expect(readQuery({ accountId: 'acct-1', accountid: 'acct-2' }, 'accountId', 'scalar')).toEqual({ kind: 'one', value: 'acct-1' });
  });

  it('finds two copies in a multi-value map ambiguous, even when they are equal', () => {
    const map = restValueMap({ accountId: 'acct-1' }, { accountId: ['acct-1', 'acct-1'] });
    expect(readQuery(map, 'accountId', 'scalar').kind).toBe('ambiguous');
  });

  it('counts a single-value entry missing from its multi-value copies as one more copy', () => {
    const map = restValueMap({ 'X-A': '2' }, { 'X-A': ['1'] });
    expect(readHeader(map, 'X-A', 'scalar').kind).toBe('ambiguous');
  });

  it('finds a name that only the multi-value map has ambiguous: API Gateway fills both maps, so the event is not one it sends', () => {
    const map = restValueMap({ Host: 'api.example' }, { Authorization: ['Bearer abc'] });
    expect(readHeader(map, 'Authorization', 'scalar')).toEqual({
      kind: 'ambiguous',
      why: "header Authorization is in the multi-value map only: the event's two maps disagree",
    });
    expect(readHeader(map, 'Host', 'scalar')).toEqual({ kind: 'one', value: 'api.example' });
  });

  it('reads one copy when the single-value and multi-value maps agree, and when the multi-value map is null', () => {
    expect(readHeader(restValueMap({ 'X-A': '1' }, { 'X-A': ['1'] }), 'X-A', 'scalar')).toEqual({ kind: 'one', value: '1' });
    expect(readHeader(restValueMap({ 'X-A': '1' }, null), 'X-A', 'scalar')).toEqual({ kind: 'one', value: '1' });
  });

  it('finds a comma in payload 2.0 text ambiguous for a scalar, and one value for a list (Set or JSON text)', () => {
    const map = joinedValueMap({ 'x-tags': 'a,b', 'x-amount': '100' });
    expect(readHeader(map, 'x-tags', 'scalar').kind).toBe('ambiguous');
    expect(readHeader(map, 'x-tags', 'list')).toEqual({ kind: 'one', value: 'a,b' });
    expect(readHeader(map, 'x-amount', 'scalar')).toEqual({ kind: 'one', value: '100' });
  });

  it('throws an ambiguous-input Deny from singleOrThrow, and returns undefined for an absent value', () => {
    expect(() => singleOrThrow(readHeader({ a: '1', A: '2' }, 'a', 'scalar'))).toThrow(
      expect.objectContaining({ kind: 'ambiguous-input', outcome: 'deny' }),
    );
    expect(singleOrThrow(readHeader({}, 'a', 'scalar'))).toBeUndefined();
  });

  it('refuses an ambiguous token as a 401 with kind ambiguous-input', () => {
    expect(() => normalizeBearer({ ambiguous: 'header Authorization arrived 2 times' })).toThrow(
      expect.objectContaining({ kind: 'ambiguous-input', outcome: 'unauthorized' }),
    );
  });
});

describe('names spelled like Object.prototype members (toString, valueOf, constructor, __proto__)', () => {
  // A Lambda event is parsed from JSON, so a client's `toString:` header or `?constructor=` pair arrives as an own key.
  // Found while building the event-boundary fuzzer's `prototype-keys` noise (tests/runtime/event-boundary.property.test.ts):
  // an inherited member was taken for the single-value copy, so a function reached the decision as a header's text, and
  // a `__proto__` name set the map's prototype instead of adding a name.
  const parsed = (json: string): unknown => JSON.parse(json);

  it('reads a name whose multi-value list is empty and whose single value is absent as absent, not as Object.prototype.valueOf', () => {
    const map = restValueMap(parsed('{}'), parsed('{"valueOf":[]}'));

    expect(readHeader(map, 'valueOf', 'scalar')).toEqual({ kind: 'absent' });
  });

  it('finds a name only the multi-value map has ambiguous, with the reason that the maps disagree', () => {
    const map = restValueMap(parsed('{}'), parsed('{"toString":["t"]}'));

    expect(readQuery(map, 'toString', 'scalar')).toEqual({
      kind: 'ambiguous',
      why: "query parameter toString is in the multi-value map only: the event's two maps disagree",
    });
  });

  it('reads one copy of a header named constructor or __proto__ when both maps agree', () => {
    const map = restValueMap(parsed('{"constructor":"c","__proto__":"p"}'), parsed('{"constructor":["c"],"__proto__":["p"]}'));

    expect(readHeader(map, 'constructor', 'scalar')).toEqual({ kind: 'one', value: 'c' });
    expect(readHeader(map, '__proto__', 'scalar')).toEqual({ kind: 'one', value: 'p' });
  });

  it('reads a payload 2.0 header named __proto__ as one value', () => {
    expect(readHeader(joinedValueMap(parsed('{"__proto__":"p"}')), '__proto__', 'list')).toEqual({ kind: 'one', value: 'p' });
  });
});
