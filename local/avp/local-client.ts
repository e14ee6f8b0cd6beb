// A real VerifiedPermissionsClient pointed at a local AVP endpoint, with a fixed region and fake static credentials.
import { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';

export interface LocalAvpClientOptions {
  /** Attempts per call, the first included, as the SDK counts them. @default 3 (the SDK's default) */
  readonly maxAttempts?: number;
}

export const LOCAL_REGION = 'eu-west-1';

export function createLocalAvpClient(url: string, options: LocalAvpClientOptions = {}): VerifiedPermissionsClient {
  return new VerifiedPermissionsClient({
    endpoint: url,
    region: LOCAL_REGION,
    // The local endpoint checks no signature; fixed values keep the SDK from searching for real credentials.
    credentials: { accessKeyId: 'LOCALAVPACCESSKEY', secretAccessKey: 'local-avp-secret' },
    maxAttempts: options.maxAttempts ?? 3,
  });
}
