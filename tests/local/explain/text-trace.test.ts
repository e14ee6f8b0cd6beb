// The text format reads like a trace: token, claims → principal, route → action and resource, entities, decision.
import { describe, expect, it } from 'vitest';
import { explainOnce } from './support/explain-cli.js';

describe('npm run explain (text)', () => {
  it('traces a request from the token to the decision, one labelled line per step', async () => {
    const finished = await explainOnce(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1']);

    const labels = finished.stdout
      .split('\n')
      .filter((line) => /^\S/.test(line))
      .map((line) => line.split(/\s+/)[0]);
    expect({ code: finished.code, labels }).toEqual({
      code: 0,
      labels: ['mode', 'token', 'claims', 'route', 'context', 'entities', 'decision'],
    });
  });

  it('maps claims to the principal and the route to the action and resource, then states the decision and its policy', async () => {
    const finished = await explainOnce(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1']);

    const lines = finished.stdout.split('\n');
    expect(lines.filter((line) => /^\s*(→|route|decision|determining|reason)|^\s+(determining|reason)/.test(line))).toEqual([
      '            → principal Billing::CustomerUser::"alice"',
      'route       GET /accounts/acct-1 → GET /accounts/{accountId} (accountId=acct-1)',
      '            → action Billing::Action::"ViewAccount"',
      '            → resource Billing::Account::"acct-1"',
      'decision    ALLOW',
      '            determining policies: customer.read-own',
      '            reason: permitted by customer.read-own',
    ]);
  });

  it('names where the token came from and who issued it', async () => {
    const finished = await explainOnce(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1']);

    const token = finished.stdout.split('\n').find((line) => line.startsWith('token'));
    expect(token).toMatch(
      new RegExp(
        String.raw`^token {7}minted for demo principal alice; RS256 kid \S+, ` +
          String.raw`iss https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_CustPool1, ` +
          String.raw`expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$`,
      ),
    );
  });
});
