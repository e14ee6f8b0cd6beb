// The API Gateway API of one mode, shaped by its API type: REST, HTTP (payload 2.0) or WebSocket.
import {
  Duration,
  Validations,
  aws_apigateway as apigw,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_authorizers as authorizers,
  aws_apigatewayv2_integrations as integrations,
  aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ConnectRoute, ModeConfig, RouteConfig } from '../runtime/config.js';
import { connectIdentityInput, groupRoutesByRequestInputs, type RequestInput } from '../runtime/routes/request-inputs.js';
import { connectRouteOf, httpRoutes } from '../runtime/routes/route-table.js';

export type BackendConfig = { readonly kind: 'http'; readonly url: string } | { readonly kind: 'lambda'; readonly functionArn: string };

export interface ModeApiProps {
  readonly mode: ModeConfig;
  /** `acme-api-customer` (infra/project.ts `modeNames`). */
  readonly apiName: string;
  /** The application's display name, such as `Acme API`, which opens the API's description. */
  readonly displayName: string;
  readonly authorizer: lambda.IFunction;
  /** Where allowed requests go; every route of the mode is integrated with it. */
  readonly backend: BackendConfig;
  /**
   * Retention of the access log group, in days.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;
}

/** The stage REST and WebSocket APIs are deployed to; HTTP APIs use `$default`. */
export const STAGE_NAME = 'prod';

/**
 * Identity sources make API Gateway's cache key. Token + method + concrete path, plus every header or query value the
 * route's decision reads (`inputs`), means a cached decision is only ever reused for the exact request it was made
 * for. Routes reading different values get different authorizers (see groupRoutesByRequestInputs).
 */
export function restIdentitySources(mode: ModeConfig, inputs: readonly RequestInput[] = []): string[] {
  if (mode.api.authorizer === 'token') return [apigw.IdentitySource.header(mode.api.tokenHeader)];
  return [
    apigw.IdentitySource.header(mode.api.tokenHeader),
    apigw.IdentitySource.context('httpMethod'),
    apigw.IdentitySource.context('path'),
    ...inputs.map((input) =>
      input.in === 'header' ? apigw.IdentitySource.header(input.name) : apigw.IdentitySource.queryString(input.name),
    ),
  ];
}

export function httpIdentitySources(mode: ModeConfig, inputs: readonly RequestInput[] = []): string[] {
  return [
    `$request.header.${mode.api.tokenHeader}`,
    '$context.httpMethod',
    '$context.path',
    ...inputs.map((input) => (input.in === 'header' ? `$request.header.${input.name}` : `$request.querystring.${input.name}`)),
  ];
}

/** `Authorizer` for routes reading nothing more, `AuthorizerXPaymentAmountXPaymentCurrency` for others: stable ids. */
function authorizerId(inputs: readonly RequestInput[]): string {
  return `Authorizer${inputs.map((input) => input.name.replace(/[^A-Za-z0-9]/g, '')).join('')}`;
}

/** `$connect`'s identity source, by the rule in runtime/routes/request-inputs.ts that the local gateway follows too. */
export function webSocketIdentitySources(mode: ModeConfig, connect: ConnectRoute): string[] {
  const input = connectIdentityInput(mode, connect);
  return [`route.request.${input.in === 'query' ? 'querystring' : 'header'}.${input.name}`];
}

/**
 * One API per mode with the mode's routes, each behind the authorizer, and access logging on. The account-level
 * API Gateway CloudWatch role (AWS::ApiGateway::Account, one per account and region) that REST and WebSocket logging
 * need is not created here: two stacks owning that singleton would overwrite each other. See README, Infrastructure.
 */
export class ModeApi extends Construct {
  readonly url: string;
  readonly accessLogs: logs.LogGroup;
  /** The API's id and stage: what flushing its authorizer cache after a deploy names (scripts/aws/flush-authorizer-cache.ts). */
  readonly apiId: string;
  readonly stageName: string;

  constructor(scope: Construct, id: string, props: ModeApiProps) {
    super(scope, id);
    if (props.mode.routes.length === 0) throw new Error(`mode ${props.mode.name}: the API needs at least one route`);
    if (props.backend.kind === 'http' && !/^https?:\/\/[^/]+/.test(props.backend.url)) {
      throw new Error(`mode ${props.mode.name}: backend url ${props.backend.url} is not an http(s) URL`);
    }
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH });
    let deployed: DeployedApi;
    switch (props.mode.api.type) {
      case 'rest':
        deployed = this.restApi(props);
        break;
      case 'http':
        deployed = this.httpApi(props);
        break;
      case 'websocket':
        deployed = this.webSocketApi(props);
        break;
    }
    this.url = deployed.url;
    this.apiId = deployed.apiId;
    this.stageName = deployed.stageName;
  }

  private restApi({ mode, authorizer, backend, apiName, displayName }: ModeApiProps): DeployedApi {
    const api = new apigw.RestApi(this, 'RestApi', {
      restApiName: apiName,
      description: `${displayName}, mode ${mode.name}: every route behind the Cedar authorizer`,
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(REST_ACCESS_LOG_FORMAT),
        // Errors only, and never request or response bodies: execution logs must not hold tokens or request data.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Every method uses the Cedar Lambda authorizer, which verifies the Cognito or OIDC token itself (aws-jwt-verify) ' +
          'and then decides with Cedar policies; a Cognito authorizer could only check the token, not the policies.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'WAF web ACLs are managed per account by the platform team (AWS Firewall Manager) and associated with every ' +
          'API stage there; this stack does not own one.',
      },
    );
    // Path parameters are required; bodies are the backend's contract, so no body model is attached.
    const validator = api.addRequestValidator('RequestValidator', { validateRequestParameters: true, validateRequestBody: true });
    const ttl = Duration.seconds(mode.cache.ttlSeconds);
    const [tokenSource] = restIdentitySources(mode);
    const authorizers = new Map<string, apigw.IAuthorizer>();
    if (mode.api.authorizer === 'token' && tokenSource) {
      const only = new apigw.TokenAuthorizer(this, 'Authorizer', {
        handler: authorizer,
        identitySource: tokenSource,
        resultsCacheTtl: ttl,
      });
      for (const route of mode.routes) authorizers.set(route.key, only);
    } else {
      for (const group of groupRoutesByRequestInputs(mode)) {
        const requestAuthorizer = new apigw.RequestAuthorizer(this, authorizerId(group.inputs), {
          handler: authorizer,
          identitySources: restIdentitySources(mode, group.inputs),
          resultsCacheTtl: ttl,
        });
        for (const route of group.routes) authorizers.set(route.key, requestAuthorizer);
      }
    }
    for (const route of httpRoutes(mode.routes)) {
      const gatewayAuthorizer = authorizers.get(route.key);
      // A route without its authorizer would be open to the internet: refuse to synthesize it.
      if (!gatewayAuthorizer) throw new Error(`mode ${mode.name}: route ${route.key} has no authorizer`);
      const parameters = pathParameters(route.path);
      const integration =
        backend.kind === 'lambda'
          ? new apigw.LambdaIntegration(lambda.Function.fromFunctionArn(this, `Backend${routeId(route)}`, backend.functionArn))
          : new apigw.HttpIntegration(`${backend.url}${integrationPath(route.path)}`, {
              httpMethod: route.method,
              proxy: true,
              options: {
                requestParameters: Object.fromEntries(parameters.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`])),
              },
            });
      api.root.resourceForPath(route.path).addMethod(route.method, integration, {
        authorizer: gatewayAuthorizer,
        authorizationType: apigw.AuthorizationType.CUSTOM,
        requestValidator: validator,
        requestParameters: Object.fromEntries(parameters.map((p) => [`method.request.path.${p}`, true])),
      });
    }
    return { url: api.url, apiId: api.restApiId, stageName: api.deploymentStage.stageName };
  }

  private httpApi({ mode, authorizer, backend, apiName, displayName }: ModeApiProps): DeployedApi {
    const api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName,
      description: `${displayName}, mode ${mode.name}: every route behind the Cedar authorizer`,
      createDefaultStage: false,
    });
    const stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigw.AccessLogFormat.custom(V2_ACCESS_LOG_FORMAT),
      },
    });
    // SIMPLE responses imply payload format 2.0: the handler answers {isAuthorized, context}.
    const routeAuthorizers = new Map<string, authorizers.HttpLambdaAuthorizer>();
    for (const group of groupRoutesByRequestInputs(mode)) {
      const httpAuthorizer = new authorizers.HttpLambdaAuthorizer(authorizerId(group.inputs), authorizer, {
        responseTypes: [authorizers.HttpLambdaResponseType.SIMPLE],
        resultsCacheTtl: Duration.seconds(mode.cache.ttlSeconds),
        identitySource: httpIdentitySources(mode, group.inputs),
      });
      for (const route of group.routes) routeAuthorizers.set(route.key, httpAuthorizer);
    }
    for (const route of httpRoutes(mode.routes)) {
      const gatewayAuthorizer = routeAuthorizers.get(route.key);
      if (!gatewayAuthorizer) throw new Error(`mode ${mode.name}: route ${route.key} has no authorizer`);
      const method = httpMethodOf(mode, route.method);
      const integration =
        backend.kind === 'lambda'
          ? new integrations.HttpLambdaIntegration(
              `Backend${routeId(route)}`,
              lambda.Function.fromFunctionArn(this, `Backend${routeId(route)}`, backend.functionArn),
            )
          : new integrations.HttpUrlIntegration(`Backend${routeId(route)}`, `${backend.url}${integrationPath(route.path)}`, { method });
      api.addRoutes({ path: route.path, methods: [method], integration, authorizer: gatewayAuthorizer });
    }
    return { url: stage.url, apiId: api.apiId, stageName: stage.stageName };
  }

  private webSocketApi({ mode, authorizer, backend, apiName, displayName }: ModeApiProps): DeployedApi {
    const connect = connectRouteOf(mode.routes);
    if (!connect) throw new Error(`mode ${mode.name}: a WebSocket mode needs a $connect route`);
    const integration =
      backend.kind === 'lambda'
        ? new integrations.WebSocketLambdaIntegration('Backend', lambda.Function.fromFunctionArn(this, 'Backend', backend.functionArn))
        : new WebSocketHttpProxyIntegration('Backend', backend.url);
    const api = new apigwv2.WebSocketApi(this, 'WebSocketApi', {
      apiName,
      description: `${displayName} event stream, mode ${mode.name}: $connect behind the Cedar authorizer`,
      connectRouteOptions: {
        integration,
        authorizer: new authorizers.WebSocketLambdaAuthorizer('Authorizer', authorizer, {
          identitySource: webSocketIdentitySources(mode, connect),
        }),
      },
    });
    const stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: api,
      stageName: STAGE_NAME,
      autoDeploy: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigw.AccessLogFormat.custom(V2_ACCESS_LOG_FORMAT),
      },
    });
    return { url: stage.url, apiId: api.apiId, stageName: stage.stageName };
  }
}

interface DeployedApi {
  readonly url: string;
  readonly apiId: string;
  readonly stageName: string;
}

/** REST access log line: who asked for what, and what the authorizer said. Never a header, so never the token. */
const REST_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  method: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  principalId: '$context.authorizer.principalId',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatency: '$context.authorizer.latency',
  authorizerError: '$context.authorizer.error',
  latency: '$context.responseLatency',
  sourceIp: '$context.identity.sourceIp',
});

/** HTTP and WebSocket access log line. */
const V2_ACCESS_LOG_FORMAT = JSON.stringify({
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

function httpMethodOf(mode: ModeConfig, method: string): apigwv2.HttpMethod {
  const known = Object.values(apigwv2.HttpMethod).find((value) => value === method);
  if (known === undefined) throw new Error(`mode ${mode.name}: ${method} is not an HTTP method API Gateway routes`);
  return known;
}

/**
 * A path template's parameter names as API Gateway names them: a greedy `{proxy+}` is the request parameter
 * `method.request.path.proxy` ("Set up a proxy integration with a proxy resource",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html).
 */
function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] ?? '');
}

/** The backend path of an HTTP integration: a greedy `{proxy+}` is written `{proxy}` there, holding the rest of the path. */
function integrationPath(path: string): string {
  return path.replace(/\{([^}+]+)\+\}/g, '{$1}');
}

function routeId(route: RouteConfig): string {
  return route.key.replace(/[^A-Za-z0-9]/g, '');
}
