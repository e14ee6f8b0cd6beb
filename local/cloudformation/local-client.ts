// A real CloudFormationClient pointed at the local DescribeStacks endpoint, with a fixed region and fake static credentials.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LOCAL_CLOUDFORMATION_REGION } from './describe-stacks-endpoint.js';

export function createLocalCloudFormationClient(url: string): CloudFormationClient {
  return new CloudFormationClient({
    endpoint: url,
    region: LOCAL_CLOUDFORMATION_REGION,
    // The local endpoint checks no signature; fixed values keep the SDK from searching for real credentials.
    credentials: { accessKeyId: 'LOCALCFNACCESSKEY', secretAccessKey: 'local-cfn-secret' },
    maxAttempts: 1,
  });
}
