// Amazon Verified Permissions quotas that a policy store must respect, checked before anything is deployed.
// https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/quotas.html
import { diagnostic, START_OF_FILE, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SchemaModel } from '../load/cedar-schema.js';

export const AVP_QUOTAS = {
  policyBytes: 10_000,
  schemaBytes: 100_000,
  templatesPerStore: 40,
} as const;

/** AVP stores the schema as Cedar JSON, so that is the size that counts. */
export function checkSchemaSize(schema: SchemaModel): Diagnostic[] {
  const bytes = Buffer.byteLength(JSON.stringify(schema.json), 'utf8');
  if (bytes <= AVP_QUOTAS.schemaBytes) return [];
  return [
    diagnostic({
      file: schema.file.path,
      at: START_OF_FILE,
      code: 'QUOTA_SCHEMA_SIZE',
      message: `the schema is ${bytes} bytes as Cedar JSON; Amazon Verified Permissions accepts at most ${AVP_QUOTAS.schemaBytes}`,
    }),
  ];
}
