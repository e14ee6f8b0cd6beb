// A local CloudFormation endpoint that answers DescribeStacks for the stacks it is given, so the deploy tools' stack
// lookups (scripts/aws/stack-outputs.ts) run through the real SDK in tests and against the local environment.
//
// CloudFormation speaks AWS's Query protocol: a form-encoded POST with `Action` and `Version`, answered in XML
// (AWS CloudFormation API Reference, "DescribeStacks":
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html; "Common Errors" for the
// ErrorResponse shape). Only DescribeStacks by StackName is implemented; anything else is refused
// as CloudFormation refuses an unknown action.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../gateway/listen.js';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_CLOUDFORMATION_REGION = 'eu-west-1';

export interface LocalStack {
  readonly stackName: string;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface LocalCloudFormation {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  readonly url: string;
  /** Adds or replaces a stack, as a deploy would. */
  putStack(stack: LocalStack): void;
  close(): Promise<void>;
}

const API_VERSION = '2010-05-15';
const XMLNS = `http://cloudformation.amazonaws.com/doc/${API_VERSION}/`;
const MAX_BODY_BYTES = 64 * 1024;

export async function startLocalCloudFormation(options: { readonly port?: number; readonly stacks?: readonly LocalStack[] } = {}) {
  const stacks = new Map<string, { readonly stack: LocalStack; readonly stackId: string; readonly created: Date }>();
  const putStack = (stack: LocalStack) => {
    const stackId = `arn:aws:cloudformation:${LOCAL_CLOUDFORMATION_REGION}:${LOCAL_ACCOUNT_ID}:stack/${stack.stackName}/${randomUUID()}`;
    stacks.set(stack.stackName, { stack, stackId, created: new Date() });
  };
  for (const stack of options.stacks ?? []) putStack(stack);

  const server = createServer((request, response) => {
    readForm(request)
      .then((form) => answer(form, response))
      .catch(() => reply(response, 400, errorXml('Sender', 'MalformedQueryString', 'the request body is not a form')));
  });

  function answer(form: URLSearchParams, response: ServerResponse): void {
    const action = form.get('Action');
    if (action !== 'DescribeStacks') {
      reply(response, 400, errorXml('Sender', 'InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`));
      return;
    }
    const name = form.get('StackName');
    const found = name === null ? undefined : (stacks.get(name) ?? [...stacks.values()].find((entry) => entry.stackId === name));
    if (name !== null && found === undefined) {
      // What CloudFormation answers for a stack that does not exist (or was deleted).
      reply(response, 400, errorXml('Sender', 'ValidationError', `Stack with id ${name} does not exist`));
      return;
    }
    const listed = found ? [found] : [...stacks.values()];
    reply(response, 200, describeStacksXml(listed));
  }

  const port = await listenOnLoopback(server, options.port ?? 0);
  const endpoint: LocalCloudFormation = {
    url: `http://127.0.0.1:${port}`,
    putStack,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return endpoint;
}

function describeStacksXml(listed: readonly { readonly stack: LocalStack; readonly stackId: string; readonly created: Date }[]): string {
  const members = listed
    .map(({ stack, stackId, created }) => {
      const outputs = Object.entries(stack.outputs)
        .map(([key, value]) => `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
        .join('');
      return (
        `<member><StackName>${xml(stack.stackName)}</StackName><StackId>${xml(stackId)}</StackId>` +
        `<CreationTime>${created.toISOString()}</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus>` +
        `<Outputs>${outputs}</Outputs></member>`
      );
    })
    .join('');
  return (
    `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks>${members}</Stacks></DescribeStacksResult>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`
  );
}

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string): string {
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

function reply(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  response.end(body);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
