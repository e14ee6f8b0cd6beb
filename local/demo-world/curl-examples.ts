// Ready-to-paste curl commands for the running gateways: the seed's examples, and for a mode the seed has none for,
// one request to its first route with a token minted from claims. Everything comes from the modes and the seed.
import type { ModeConfig, RouteConfig } from '../../runtime/config.js';
import { routeRequestInputs } from '../../runtime/routes/request-inputs.js';
import type { LocalEnvironment } from '../environment.js';

export interface CurlExample {
  readonly mode: string;
  /** The demo principal, or `--claims` for a token minted from claims. */
  readonly principal: string;
  /** The status the seed declares; absent when the domain's policies decide and nobody wrote it down. */
  readonly expect?: number;
  readonly why: string;
  readonly command: string;
}

export interface CurlExampleOptions {
  /** Put before the mode in `npm run token` commands, e.g. `--root /path/to/domain `. @default '' */
  readonly tokenArguments?: string;
}

export function curlExamples(environment: LocalEnvironment, options: CurlExampleOptions = {}): CurlExample[] {
  const token = (mode: string, who: string) => `$(npm run -s token -- ${options.tokenArguments ?? ''}${mode} ${who})`;
  const examples: CurlExample[] = [];
  for (const { mode, gateway } of environment.modes) {
    const seeded = environment.demo.examples[mode.name] ?? [];
    for (const example of seeded) {
      const command = curlCommand(mode, gateway.url, {
        method: example.method,
        path: example.path,
        headers: example.headers ?? {},
        token: token(mode.name, example.principal),
      });
      examples.push({ mode: mode.name, principal: example.principal, expect: example.expect, why: example.why, command });
    }
    const [route] = mode.routes;
    if (seeded.length === 0 && route) {
      const claims = `--claims '${JSON.stringify({ [mode.claims.principal.idClaim]: 'example-user' })}'`;
      const request = routeRequest(route);
      examples.push({
        mode: mode.name,
        principal: '--claims',
        why: `${route.key}, as a principal with only an id; the domain's policies decide`,
        command: curlCommand(mode, gateway.url, { ...request, token: token(mode.name, claims) }),
      });
    }
  }
  return examples;
}

interface CurlRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly token: string;
}

function curlCommand(mode: ModeConfig, gatewayUrl: string, request: CurlRequest): string {
  const url = `${gatewayUrl}${request.path}`;
  const auth = `-H "${mode.api.tokenHeader}: Bearer ${request.token}"`;
  if (mode.api.type === 'websocket') {
    const upgrade = "-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'";
    return (
      `curl -si -o /dev/null -w '%{http_code}\\n' ${upgrade} -H ` +
      `'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' ${auth} --max-time 2 '${url}'`
    );
  }
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `-H '${name}: ${value}' `)
    .join('');
  return `curl -s -w '\\n%{http_code}\\n' -X ${request.method} ${headers}${auth} '${url}'`;
}

/** A request the route matches: `example` for each path parameter and for each header or query value it reads. */
function routeRequest(route: RouteConfig): Omit<CurlRequest, 'token'> {
  const [method = 'GET', template = '/'] = route.key === '$connect' ? ['GET', '/'] : route.key.split(' ');
  const inputs = routeRequestInputs(route);
  const query = new URLSearchParams(
    inputs.filter((input) => input.in === 'query').map((input): [string, string] => [input.name, 'example']),
  );
  const path = template.replace(/\{[^}]+\}/g, 'example');
  return {
    method,
    path: query.toString() === '' ? path : `${path}?${query}`,
    headers: Object.fromEntries(inputs.filter((input) => input.in === 'header').map((input) => [input.name, 'example'])),
  };
}

export function formatExamples(examples: readonly CurlExample[]): string {
  const lines: string[] = [];
  let currentMode = '';
  for (const example of examples) {
    if (example.mode !== currentMode) {
      currentMode = example.mode;
      lines.push('', `## ${currentMode}`, '', '| expect | principal | why |', '|---|---|---|');
    }
    lines.push(`| ${example.expect ?? '?'} | ${example.principal} | ${example.why} |`, '', `    ${example.command}`, '');
  }
  return lines.join('\n');
}
