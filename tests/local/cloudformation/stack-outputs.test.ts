// The deploy tools find a mode's store and API from its stack's outputs, read with the real SDK from a local DescribeStacks.
//
// Emulated from the AWS CloudFormation API Reference, "DescribeStacks"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html): Query protocol, XML reply with
// Stacks.member.Outputs.member.{OutputKey,OutputValue}; a stack that does not exist is a 400 ValidationError
// "Stack with id <name> does not exist" ("Common Errors" for the ErrorResponse shape).
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloudFormation, type LocalCloudFormation } from '../../../local/cloudformation/describe-stacks-endpoint.js';
import { createLocalCloudFormationClient } from '../../../local/cloudformation/local-client.js';
import { readStackOutputs, requireOutput, StackOutputsError } from '../../../scripts/aws/stack-outputs.js';

let cloudFormation: LocalCloudFormation;
const client = () => createLocalCloudFormationClient(cloudFormation.url);

beforeAll(async () => {
  cloudFormation = await startLocalCloudFormation({
    stacks: [
      {
        stackName: 'LabApiAuthorizer-reader',
        outputs: {
          ApiUrl: 'https://abc.execute-api.local/prod/',
          ApiId: 'abc123',
          ApiStageName: 'prod',
          PolicyStoreId: 'PSlab1',
          Other: 'x & <y>',
        },
      },
    ],
  });
});
afterAll(() => cloudFormation.close());

describe('readStackOutputs', () => {
  it("returns the mode stack's known outputs by key, and only those", async () => {
    const outputs = await readStackOutputs(client(), 'LabApiAuthorizer-reader');
    expect(outputs).toEqual({
      ApiUrl: 'https://abc.execute-api.local/prod/',
      ApiId: 'abc123',
      ApiStageName: 'prod',
      PolicyStoreId: 'PSlab1',
    });
  });

  it('escapes values as XML, so the SDK reads back exactly what was stored', async () => {
    const { Stacks } = await client().send(new DescribeStacksCommand({ StackName: 'LabApiAuthorizer-reader' }));
    expect(Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'Other')?.OutputValue).toBe('x & <y>');
    expect(Stacks?.[0]?.StackId).toMatch(/^arn:aws:cloudformation:eu-west-1:000000000000:stack\/LabApiAuthorizer-reader\//);
  });

  it('says a stack that does not exist must be deployed first (STACK_NOT_FOUND)', async () => {
    const error = await readStackOutputs(client(), 'LabApiAuthorizer-missing').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StackOutputsError);
    expect((error as StackOutputsError).code).toBe('STACK_NOT_FOUND');
    expect((error as Error).message).toBe('stack LabApiAuthorizer-missing does not exist: deploy it first (npm run deploy -- <mode>)');
  });

  it('reports an unreachable CloudFormation as STACK_READ_FAILED, naming the stack', async () => {
    const closed = await startLocalCloudFormation();
    const url = closed.url;
    await closed.close();
    const error = await readStackOutputs(createLocalCloudFormationClient(url), 'LabApiAuthorizer-reader').catch(
      (caught: unknown) => caught,
    );
    expect((error as StackOutputsError).code).toBe('STACK_READ_FAILED');
    expect((error as Error).message).toMatch(/^could not read stack LabApiAuthorizer-reader: /);
  });

  it('sees a redeployed stack with its new outputs', async () => {
    cloudFormation.putStack({ stackName: 'LabApiAuthorizer-writer', outputs: { PolicyStoreId: 'PSold' } });
    cloudFormation.putStack({ stackName: 'LabApiAuthorizer-writer', outputs: { PolicyStoreId: 'PSnew', ApiId: 'w1' } });
    expect(await readStackOutputs(client(), 'LabApiAuthorizer-writer')).toEqual({ PolicyStoreId: 'PSnew', ApiId: 'w1' });
  });
});

describe('requireOutput', () => {
  it('names the stack and the missing output, and says to deploy the current version', async () => {
    const outputs = await readStackOutputs(client(), 'LabApiAuthorizer-reader');
    expect(requireOutput(outputs, 'PolicyStoreId', 'LabApiAuthorizer-reader')).toBe('PSlab1');
    expect(() => requireOutput(outputs, 'TenantTableName', 'LabApiAuthorizer-reader')).toThrow(
      'stack LabApiAuthorizer-reader has no output TenantTableName: deploy the current version',
    );
  });
});
