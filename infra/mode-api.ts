// The API Gateway API of one mode, shaped by its API type: REST, HTTP (payload 2.0) or WebSocket.
import {
  Duration,
  aws_apigateway as apigw,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_authorizers as authorizers,
  aws_apigatewayv2_integrations as integrations,
  aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ModeConfig, RouteConfig } from '../runtime/config.js';

export type BackendConfig = { readonly kind: 'http'; readonly url: string } | { readonly kind: 'lambda'; readonly functionArn: string };

export interface ModeApiProps {
  readonly mode: ModeConfig;
  readonly authorizer: lambda.IFunction;
  readonly backend: BackendConfig;
}

/**
 * Identity sources make API Gateway's cache key. Token + method + concrete path means a cached decision is only
 * ever reused for the exact request it was made for (see the runtime's caching rule).
 */
export function restIdentitySources(mode: ModeConfig): string[] {
  if (mode.api.authorizer === 'token') return [apigw.IdentitySource.header(mode.api.tokenHeader)];
  return [
    apigw.IdentitySource.header(mode.api.tokenHeader),
    apigw.IdentitySource.context('httpMethod'),
    apigw.IdentitySource.context('path'),
  ];
}

export function httpIdentitySources(mode: ModeConfig): string[] {
  return [`$request.header.${mode.api.tokenHeader}`, '$context.httpMethod', '$context.path'];
}

export class ModeApi extends Construct {
  readonly url: string;

  constructor(scope: Construct, id: string, props: ModeApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    switch (props.mode.api.type) {
      case 'rest':
        this.url = this.restApi(props, accessLogs);
        break;
      case 'http':
        this.url = this.httpApi(props, accessLogs);
        break;
      case 'websocket':
        this.url = this.webSocketApi(props, accessLogs);
        break;
    }
  }

  private restApi({ mode, authorizer, backend }: ModeApiProps, accessLogs: logs.LogGroup): string {
    const api = new apigw.RestApi(this, 'RestApi', {
      restApiName: `payments-${mode.name}`,
      deployOptions: {
        stageName: 'prod',
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
      },
    });
    const ttl = Duration.seconds(mode.cache.ttlSeconds);
    const [tokenSource] = restIdentitySources(mode);
    const gatewayAuthorizer =
      mode.api.authorizer === 'token' && tokenSource
        ? new apigw.TokenAuthorizer(this, 'Authorizer', { handler: authorizer, identitySource: tokenSource, resultsCacheTtl: ttl })
        : new apigw.RequestAuthorizer(this, 'Authorizer', { handler: authorizer, identitySources: restIdentitySources(mode), resultsCacheTtl: ttl });
    for (const route of mode.routes) {
      if (!route.method || !route.path) throw new Error(`mode ${mode.name}: REST route ${route.key} needs a method and a path`);
      const parameters = pathParameters(route.path);
      const integration =
        backend.kind === 'lambda'
          ? new apigw.LambdaIntegration(lambda.Function.fromFunctionArn(this, `Backend${routeId(route)}`, backend.functionArn))
          : new apigw.HttpIntegration(`${backend.url}${route.path}`, {
              httpMethod: route.method,
              proxy: true,
              options: {
                requestParameters: Object.fromEntries(parameters.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`])),
              },
            });
      api.root.resourceForPath(route.path).addMethod(route.method, integration, {
        authorizer: gatewayAuthorizer,
        authorizationType: apigw.AuthorizationType.CUSTOM,
        requestParameters: Object.fromEntries(parameters.map((p) => [`method.request.path.${p}`, true])),
      });
    }
    return api.url;
  }

  private httpApi({ mode, authorizer, backend }: ModeApiProps, accessLogs: logs.LogGroup): string {
    const api = new apigwv2.HttpApi(this, 'HttpApi', { apiName: `payments-${mode.name}` });
    const gatewayAuthorizer = new authorizers.HttpLambdaAuthorizer('Authorizer', authorizer, {
      responseTypes: [authorizers.HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(mode.cache.ttlSeconds),
      identitySource: httpIdentitySources(mode),
    });
    for (const route of mode.routes) {
      if (!route.method || !route.path) throw new Error(`mode ${mode.name}: HTTP route ${route.key} needs a method and a path`);
      const integration =
        backend.kind === 'lambda'
          ? new integrations.HttpLambdaIntegration(`Backend${routeId(route)}`, lambda.Function.fromFunctionArn(this, `Backend${routeId(route)}`, backend.functionArn))
          : new integrations.HttpUrlIntegration(`Backend${routeId(route)}`, `${backend.url}${route.path}`, {
              method: apigwv2.HttpMethod[route.method as keyof typeof apigwv2.HttpMethod],
            });
      api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method as keyof typeof apigwv2.HttpMethod]],
        integration,
        authorizer: gatewayAuthorizer,
      });
    }
    const stage = api.defaultStage?.node.defaultChild as apigwv2.CfnStage | undefined;
    stage?.addPropertyOverride('AccessLogSettings', { DestinationArn: accessLogs.logGroupArn, Format: ACCESS_LOG_FORMAT });
    return api.apiEndpoint;
  }

  private webSocketApi({ mode, authorizer, backend }: ModeApiProps, accessLogs: logs.LogGroup): string {
    const connect = mode.routes.find((route) => route.routeKey === '$connect');
    if (!connect) throw new Error(`mode ${mode.name}: a WebSocket mode needs a $connect route`);
    // API Gateway answers 401 without calling the authorizer when an identity source is absent; the token may be in
    // a header or the query string, so only the always-present resource id is listed. WebSocket authorizers never cache.
    const identitySource = connect.resource.queryParameter
      ? [`route.request.querystring.${connect.resource.queryParameter}`]
      : [`route.request.header.${mode.api.tokenHeader}`];
    const integration =
      backend.kind === 'lambda'
        ? new integrations.WebSocketLambdaIntegration('Backend', lambda.Function.fromFunctionArn(this, 'Backend', backend.functionArn))
        : new WebSocketHttpProxyIntegration('Backend', backend.url);
    const api = new apigwv2.WebSocketApi(this, 'WebSocketApi', {
      apiName: `payments-${mode.name}`,
      connectRouteOptions: {
        integration,
        authorizer: new authorizers.WebSocketLambdaAuthorizer('Authorizer', authorizer, { identitySource }),
      },
    });
    const stage = new apigwv2.WebSocketStage(this, 'Stage', { webSocketApi: api, stageName: 'prod', autoDeploy: true });
    (stage.node.defaultChild as apigwv2.CfnStage).addPropertyOverride('AccessLogSettings', {
      DestinationArn: accessLogs.logGroupArn,
      Format: ACCESS_LOG_FORMAT,
    });
    return stage.url;
  }
}

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  routeKey: '$context.routeKey',
  status: '$context.status',
  principalId: '$context.authorizer.principalId',
  authorizerError: '$context.authorizer.error',
  latency: '$context.responseLatency',
});

/** CDK's WebSocket integration types lack HTTP_PROXY, which CloudFormation supports; this adds it. */
class WebSocketHttpProxyIntegration extends apigwv2.WebSocketRouteIntegration {
  constructor(
    id: string,
    private readonly url: string,
  ) {
    super(id);
  }

  override bind(): apigwv2.WebSocketRouteIntegrationConfig {
    return { type: 'HTTP_PROXY' as apigwv2.WebSocketIntegrationType, uri: this.url, method: 'POST' };
  }
}

function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}

function routeId(route: RouteConfig): string {
  return route.key.replace(/[^A-Za-z0-9]/g, '');
}
