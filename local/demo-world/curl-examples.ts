// Turns the seed file's examples into ready-to-paste curl commands for the running gateways.
import type { LocalEnvironment } from '../environment.js';

export interface CurlExample {
  readonly mode: string;
  readonly principal: string;
  readonly expect: number;
  readonly why: string;
  readonly command: string;
}

export function curlExamples(environment: LocalEnvironment): CurlExample[] {
  const examples: CurlExample[] = [];
  for (const { mode, gateway } of environment.modes) {
    for (const example of environment.demo.examples[mode.name] ?? []) {
      const token = `$(npm run -s token -- ${mode.name} ${example.principal})`;
      const headers = Object.entries(example.headers ?? {})
        .map(([name, value]) => `-H '${name}: ${value}' `)
        .join('');
      const url = `${gateway.url}${example.path}`;
      const command =
        mode.api.type === 'websocket'
          ? `curl -si -o /dev/null -w '%{http_code}\\n' -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H "${mode.api.tokenHeader}: Bearer ${token}" --max-time 2 '${url}'`
          : `curl -s -w '\\n%{http_code}\\n' -X ${example.method} ${headers}-H "${mode.api.tokenHeader}: Bearer ${token}" '${url}'`;
      examples.push({ mode: mode.name, principal: example.principal, expect: example.expect, why: example.why, command });
    }
  }
  return examples;
}

export function formatExamples(examples: readonly CurlExample[]): string {
  const lines: string[] = [];
  let currentMode = '';
  for (const example of examples) {
    if (example.mode !== currentMode) {
      currentMode = example.mode;
      lines.push('', `## ${currentMode}`, '', '| expect | principal | why |', '|---|---|---|');
    }
    lines.push(`| ${example.expect} | ${example.principal} | ${example.why} |`, '', `    ${example.command}`, '');
  }
  return lines.join('\n');
}
