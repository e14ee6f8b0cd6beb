import { aws_lambda as lambda } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ModeApi } from '../../infra/mode-api.js';
import type { ModeConfig, RouteConfig } from '../../runtime/config.js';
import { routeRequestInputs } from '../../runtime/routes/request-inputs.js';
import { bareStack, logicalIdOfOnly, synthesizedApp } from './support/synthesized-app.js';
import { fixtureMode } from '../support/fixture-domain.js';
import { httpRoutes } from '../../runtime/routes/route-table.js';

const { MODE_CONFIG: CUSTOMER_MODE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL_MODE } = fixtureMode('billing', 'internal');
const { MODE_CONFIG: TENANT_MODE } = fixtureMode('billing', 'multi-tenant');

const { template } = await synthesizedApp();

type Resources = Record<string, { Properties: Record<string, unknown> }>;

function propertiesOf(mode: string, type: string): Record<string, unknown>[] {
  return Object.values(template(mode).findResources(type) as Resources).map((resource) => resource.Properties);
}

describe.each([
  ['customer', CUSTOMER_MODE, 300],
  ['internal', INTERNAL_MODE, 60],
])('the REST API of %s', (modeName, mode, ttl) => {
  const t = template(modeName);
  const authorizers = t.findResources('AWS::ApiGateway::Authorizer') as Resources;
  const identitySourceOf = (ref: unknown) => authorizers[(ref as { Ref: string }).Ref]?.Properties['IdentitySource'];
  /** What each route's cache key must hold: token, method, path, then every header the route's decision reads. */
  const expectedIdentitySource = (route: RouteConfig) =>
    [
      'method.request.header.Authorization',
      'context.httpMethod',
      'context.path',
      ...routeRequestInputs(route).map((i) => `method.request.${i.in === 'header' ? 'header' : 'querystring'}.${i.name}`),
    ].join(',');

  it(`has REQUEST authorizers caching ${ttl} s as the mode says, all calling the mode's function`, () => {
    expect(Object.keys(authorizers).length).toBe(new Set(mode.routes.map(expectedIdentitySource)).size);
    for (const authorizer of Object.values(authorizers)) {
      expect(authorizer.Properties).toMatchObject({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: ttl });
      expect(JSON.stringify(authorizer.Properties['AuthorizerUri'])).toContain(logicalIdOfOnly(t, 'AWS::Lambda::Function'));
    }
  });

  it('keys each route on token + method + concrete path + every header its decision reads, proxied to the backend path', () => {
    const methods = propertiesOf(modeName, 'AWS::ApiGateway::Method').map((method) => {
      const integration = method['Integration'] as Record<string, unknown>;
      return [
        method['HttpMethod'],
        integration['Uri'],
        integration['Type'],
        method['AuthorizationType'],
        identitySourceOf(method['AuthorizerId']),
      ];
    });

    expect(methods.sort()).toEqual(
      httpRoutes(mode.routes)
        .map((route) => [
          route.method,
          `https://billing.internal.example.com${route.path}`,
          'HTTP_PROXY',
          'CUSTOM',
          expectedIdentitySource(route),
        ])
        .sort(),
    );
  });

  it('deploys stage prod with JSON access logs, error-level execution logs, no data trace, metrics and tracing', () => {
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: {
        // The log group's ARN without the `:*` suffix, as the recommended flag
        // @aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard (cdk.json) builds it.
        DestinationArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':logs:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':log-group:',
              { Ref: Match.stringLikeRegexp('^ApiAccessLogs') },
            ],
          ],
        },
        Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId', authorizerError: '$context.authorizer.error' })),
      },
      MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true }],
      TracingEnabled: true,
    });
  });

  it('validates the required path parameters of every method', () => {
    t.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestParameters: true, ValidateRequestBody: true });
    expect(propertiesOf(modeName, 'AWS::ApiGateway::Method').map((method) => method['RequestValidatorId'])).toEqual(
      mode.routes.map(() => ({ Ref: logicalIdOfOnly(t, 'AWS::ApiGateway::RequestValidator') })),
    );
  });

  it("lets API Gateway invoke the authorizer from this API's authorizer only", () => {
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOfOnly(t, 'AWS::Lambda::Function'), 'Arn'] },
      SourceArn: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith(['/authorizers/', { Ref: Object.keys(authorizers)[0] }])]),
      }),
    });
  });

  it('leaves the account-wide API Gateway CloudWatch role alone', () => {
    t.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('the HTTP API of multi-tenant', () => {
  const t = template('multi-tenant');

  const authorizers = t.findResources('AWS::ApiGatewayV2::Authorizer') as Resources;

  it('has Lambda authorizers with payload 2.0, simple responses and the mode TTL (120 s)', () => {
    expect(Object.keys(authorizers).length).toBe(2);
    for (const authorizer of Object.values(authorizers)) {
      expect(authorizer.Properties).toMatchObject({
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 120,
      });
    }
  });

  it('keys each route on token + method + path + every header its decision reads', () => {
    const routes = propertiesOf('multi-tenant', 'AWS::ApiGatewayV2::Route').map((route) => [
      route['RouteKey'],
      route['AuthorizationType'],
      authorizers[(route['AuthorizerId'] as { Ref: string }).Ref]?.Properties['IdentitySource'],
    ]);

    expect(routes.sort()).toEqual(
      httpRoutes(TENANT_MODE.routes)
        .map((route) => [
          `${route.method} ${route.path}`,
          'CUSTOM',
          [
            '$request.header.Authorization',
            '$context.httpMethod',
            '$context.path',
            ...routeRequestInputs(route).map((i) => `$request.${i.in === 'header' ? 'header' : 'querystring'}.${i.name}`),
          ],
        ])
        .sort(),
    );
    expect(routes.find((route) => route[0] === 'POST /tenants/{tenantId}/accounts/{accountId}/billing')?.[2]).toEqual([
      '$request.header.Authorization',
      '$context.httpMethod',
      '$context.path',
      '$request.header.X-Payment-Amount',
      '$request.header.X-Payment-Currency',
    ]);
  });

  it('proxies every route to the same path on the backend', () => {
    const uris = propertiesOf('multi-tenant', 'AWS::ApiGatewayV2::Integration').map((integration) => [
      integration['IntegrationType'],
      integration['IntegrationUri'],
    ]);

    expect(uris.sort()).toEqual(
      httpRoutes(TENANT_MODE.routes)
        .map((route) => ['HTTP_PROXY', `https://billing.saas.example.com${route.path}`])
        .sort(),
    );
  });

  it('auto-deploys the $default stage with access logs', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] },
        Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId', routeKey: '$context.routeKey' })),
      },
    });
  });
});

describe('the WebSocket API of m2m', () => {
  const t = template('m2m');

  it('has a REQUEST authorizer on $connect that requires the accountId query parameter', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.accountId'],
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$connect',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: logicalIdOfOnly(t, 'AWS::ApiGatewayV2::Authorizer') },
    });
  });

  it('has $connect as its only route, proxied to the events backend', () => {
    expect(propertiesOf('m2m', 'AWS::ApiGatewayV2::Route').map((route) => route['RouteKey'])).toEqual(['$connect']);
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'HTTP_PROXY',
      IntegrationUri: 'https://events.internal.example.com',
      IntegrationMethod: 'POST',
    });
  });

  it('auto-deploys stage prod with access logs', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'prod',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] }, Format: Match.anyValue() },
    });
  });
});

describe('ModeApi validation', () => {
  function build(mode: ModeConfig, url = 'https://billing.internal.example.com'): ModeApi {
    const stack = bareStack();
    const authorizer = lambda.Function.fromFunctionArn(stack, 'Authorizer', 'arn:aws:lambda:eu-west-1:123456789012:function:authorizer');
    return new ModeApi(stack, 'Api', {
      mode,
      apiName: `acme-api-${mode.name}`,
      displayName: 'Acme API',
      authorizer,
      backend: { kind: 'http', url },
    });
  }

  it('refuses a mode without routes, failing synth', () => {
    expect(() => build({ ...CUSTOMER_MODE, routes: [] })).toThrow(new Error('mode customer: the API needs at least one route'));
  });

  it('refuses a backend URL that is not http(s)', () => {
    expect(() => build(CUSTOMER_MODE, 'ftp://billing')).toThrow(
      new Error('mode customer: backend url ftp://billing is not an http(s) URL'),
    );
  });

  it('refuses a WebSocket mode without a $connect route', () => {
    const [route] = INTERNAL_MODE.routes;
    if (!route) throw new Error('internal has routes');

    expect(() => build({ ...INTERNAL_MODE, api: { ...INTERNAL_MODE.api, type: 'websocket' }, routes: [route] })).toThrow(
      new Error('mode internal: a WebSocket mode needs a $connect route'),
    );
  });
});

/** A route of the mode's first action on its first route's resource type, at `method path`, resource from `parameter`. */
function proxyRoute(mode: ModeConfig, method: string, path: string, parameter: string): RouteConfig {
  const [first] = httpRoutes(mode.routes);
  if (!first) throw new Error(`${mode.name} has routes`);
  return { ...first, key: `${method} ${path}`, method, path, resource: { type: first.resource.type, pathParameter: parameter } };
}

describe('ANY and greedy {proxy+} routes', () => {
  function synthesize(mode: ModeConfig): Template {
    const stack = bareStack();
    const authorizer = lambda.Function.fromFunctionArn(stack, 'Authorizer', 'arn:aws:lambda:eu-west-1:123456789012:function:authorizer');
    new ModeApi(stack, 'Api', {
      mode,
      apiName: `acme-api-${mode.name}`,
      displayName: 'Acme API',
      authorizer,
      backend: { kind: 'http', url: 'https://files.internal.example.com' },
    });
    return Template.fromStack(stack);
  }

  // "Set up a proxy integration with a proxy resource": a {proxy+} resource with the ANY method, and "HTTP integrations
  // for REST APIs in API Gateway": the backend URI names the greedy parameter as {proxy}, on the ANY method.
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html
  it('REST: puts an ANY method on a {proxy+} resource, maps method.request.path.proxy to the backend {proxy}', () => {
    // GIVEN a REST mode whose one route is ANY /files/{proxy+}
    const mode = { ...CUSTOMER_MODE, routes: [proxyRoute(CUSTOMER_MODE, 'ANY', '/files/{proxy+}', 'proxy')] };

    // WHEN
    const t = synthesize(mode);

    // THEN
    t.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    t.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      AuthorizationType: 'CUSTOM',
      RequestParameters: { 'method.request.path.proxy': true },
      Integration: {
        Type: 'HTTP_PROXY',
        IntegrationHttpMethod: 'ANY',
        Uri: 'https://files.internal.example.com/files/{proxy}',
        RequestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
      },
    });
  });

  // "Create routes for HTTP APIs in API Gateway" (Working with routes for HTTP APIs): ANY matches every method without
  // a route of its own, and a greedy path variable {proxy+} must end the path.
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
  it('HTTP: routes ANY /files/{proxy+} behind the authorizer, to the backend path with {proxy}', () => {
    // GIVEN an HTTP API mode whose one route is ANY /files/{proxy+}
    const mode = { ...TENANT_MODE, routes: [proxyRoute(TENANT_MODE, 'ANY', '/files/{proxy+}', 'proxy')] };

    // WHEN
    const t = synthesize(mode);

    // THEN
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /files/{proxy+}', AuthorizationType: 'CUSTOM' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'HTTP_PROXY',
      IntegrationMethod: 'ANY',
      IntegrationUri: 'https://files.internal.example.com/files/{proxy}',
    });
  });

  it.each(['HEAD', 'OPTIONS'])('HTTP: routes the method %s as API Gateway names it', (method) => {
    // GIVEN
    const mode = { ...TENANT_MODE, routes: [proxyRoute(TENANT_MODE, method, '/files/{fileId}', 'fileId')] };

    // WHEN
    const t = synthesize(mode);

    // THEN
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${method} /files/{fileId}` });
  });
});
