// A local AVP endpoint with the photo store in it, and an empty project folder to import into.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { createLocalAvpClient, LOCAL_REGION, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { listFiles } from '../../support/project-copy.js';
import { createPhotoStore, type PhotoStore } from './photo-store.js';
import { runImportCommand, useLocalCredentials, type ImportRun } from './run-import.js';

export interface ImportWorld {
  readonly endpoint: LocalAvpEndpoint;
  readonly client: VerifiedPermissionsClient;
  readonly store: PhotoStore;
  /** A fresh project folder per call. */
  newProject(): string;
  /** `npm run import -- --policy-store-id <store> --region … --endpoint … --root <root>` */
  importInto(root: string, policyStoreId?: string): Promise<ImportRun>;
  close(): Promise<void>;
}

export async function startImportWorld(): Promise<ImportWorld> {
  const restoreCredentials = useLocalCredentials();
  const endpoint = await startLocalAvpEndpoint();
  const client = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
  const store = await createPhotoStore(client);
  const roots: string[] = [];
  return {
    endpoint,
    client,
    store,
    newProject() {
      const root = mkdtempSync(join(tmpdir(), 'authz-import-'));
      roots.push(root);
      return root;
    },
    importInto(root, policyStoreId = store.policyStoreId) {
      return runImportCommand(['--policy-store-id', policyStoreId, '--region', LOCAL_REGION, '--endpoint', endpoint.url, '--root', root]);
    },
    async close() {
      client.destroy();
      await endpoint.close();
      for (const root of roots) rmSync(root, { recursive: true, force: true });
      restoreCredentials();
    },
  };
}

/** Every file under the project, by its path from the root, with its text. */
export function readProject(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((file) => [relative(root, file), readFileSync(file, 'utf8')]));
}
