// Evaluates an authorizer's IAM policy against a method ARN the way API Gateway does: explicit Deny wins, wildcards match.
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

export type PolicyVerdict = 'allow' | 'explicit-deny' | 'implicit-deny';

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

export function evaluatePolicy(result: APIGatewayAuthorizerResult, methodArn: string): PolicyVerdict {
  const statements: readonly Statement[] = result.policyDocument?.Statement ?? [];
  let allowed = false;
  for (const statement of statements) {
    if (!list(statement.Action).some((action) => wildcardMatch(action, 'execute-api:Invoke'))) continue;
    if (!list(statement.Resource).some((resource) => wildcardMatch(resource, methodArn))) continue;
    if (statement.Effect === 'Deny') return 'explicit-deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** IAM wildcards: `*` is any run of characters (slashes included), `?` is one character. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    's',
  );
  return regex.test(value);
}
