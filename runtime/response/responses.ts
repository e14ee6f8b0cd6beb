// What API Gateway gets back: an IAM policy (REST, WebSocket) or a simple response (HTTP API payload 2.0).
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/** API Gateway accepts only strings, numbers and booleans as authorizer context values. */
export type AuthorizerContext = Record<string, string | number | boolean>;

/**
 * A list as one context value: a JSON array in a string. API Gateway refuses an array value, and a comma join is
 * ambiguous (`['a', 'b,c']` and `['a,b', 'c']` both read `a,b,c`); `JSON.parse` in the backend gives the list back.
 * Sorted, so the same set of roles is always the same string to a backend that compares it.
 */
export function listValue(values: readonly string[]): string {
  return JSON.stringify([...values].sort());
}

/**
 * Allows or denies exactly the evaluated method ARN. Never a wildcard Allow: API Gateway caches this policy, and a
 * wildcard would let the cached answer for one route authorize another.
 */
export function iamPolicy(options: {
  readonly principalId: string;
  readonly effect: 'Allow' | 'Deny';
  readonly methodArn: string;
  readonly context: AuthorizerContext;
}): APIGatewayAuthorizerResult {
  if (options.effect === 'Allow' && (options.methodArn.includes('*') || options.methodArn === '')) {
    throw new Error(`refusing to allow a wildcard or empty method ARN: ${JSON.stringify(options.methodArn)}`);
  }
  return {
    principalId: options.principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: options.effect, Resource: [options.methodArn || '*'] }],
    },
    context: options.context,
  };
}
