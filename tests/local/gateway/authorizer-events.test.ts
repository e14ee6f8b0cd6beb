// The local gateway's event builders keep every header and query name a client sends, whatever it is spelled like.
import { describe, expect, it } from 'vitest';
import { httpRequestEvent, restRequestEvent, webSocketConnectEvent, type WireRequest } from '../../../local/gateway/authorizer-events.js';

const API = { apiId: 'api-id', stage: 'prod' };

/** A request whose header and query names are Object.prototype members: a plain-object map would read or set those. */
const REQUEST: WireRequest = {
  method: 'GET',
  path: '/accounts/acct-1',
  rawQuery: 'toString=q1&constructor=q2&__proto__=q3',
  headerLines: [
    ['toString', 'h1'],
    ['constructor', 'h2'],
    ['__proto__', 'h3'],
  ],
  sourceIp: '198.51.100.7',
};

describe('names spelled like Object.prototype members', () => {
  // Found while building the event-boundary fuzzer (tests/runtime/event-boundary.property.test.ts): the builders threw
  // "(multi[key] ?? []) is not iterable" for such a name, and `__proto__` was dropped.
  it("become ordinary keys of a REST event's four maps", () => {
    const event = restRequestEvent(API, REQUEST, '/accounts/{accountId}', { accountId: 'acct-1' });

    expect({ ...event.headers }).toEqual({ toString: 'h1', constructor: 'h2', ['__proto__']: 'h3' });
    expect({ ...event.multiValueHeaders }).toEqual({ toString: ['h1'], constructor: ['h2'], ['__proto__']: ['h3'] });
    expect({ ...event.queryStringParameters }).toEqual({ toString: 'q1', constructor: 'q2', ['__proto__']: 'q3' });
    expect({ ...event.multiValueQueryStringParameters }).toEqual({ toString: ['q1'], constructor: ['q2'], ['__proto__']: ['q3'] });
  });

  it('become ordinary keys of a WebSocket $connect event', () => {
    const event = webSocketConnectEvent(API, REQUEST, 'Abc123=');

    expect(Object.keys(event.headers ?? {})).toEqual(['toString', 'constructor', '__proto__']);
    expect(Object.keys(event.queryStringParameters ?? {})).toEqual(['toString', 'constructor', '__proto__']);
  });

  it('become ordinary keys of an HTTP payload 2.0 event, lower-cased headers and as-sent query names', () => {
    const event = httpRequestEvent(API, REQUEST, 'GET /accounts/{accountId}', { accountId: 'acct-1' }, []);

    expect({ ...event.headers }).toEqual({ tostring: 'h1', constructor: 'h2', ['__proto__']: 'h3' });
    expect({ ...event.queryStringParameters }).toEqual({ toString: 'q1', constructor: 'q2', ['__proto__']: 'q3' });
  });
});
