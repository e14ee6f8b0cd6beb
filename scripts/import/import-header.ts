// The first line of every file the import writes: how a later import knows the file is its own to replace or remove.

/** Hand-written files never start with this, so the import never touches them. */
export const IMPORT_HEADER_PREFIX = '// Imported by `npm run import` from Amazon Verified Permissions';

/**
 * Two comment lines: where the file came from, and that the next import replaces it. Deleting them makes the file
 * hand-written: the import then leaves it alone (and refuses to write over it).
 */
export function importHeader(policyStoreId: string, item?: { readonly kind: 'policy' | 'template'; readonly storeId: string }): string {
  const what = item === undefined ? '' : `, ${item.kind} ${item.storeId}`;
  return `${IMPORT_HEADER_PREFIX}\n// policy store ${policyStoreId}${what}. The next import replaces this file.`;
}

export function isImportedFile(text: string): boolean {
  return text.startsWith(IMPORT_HEADER_PREFIX);
}
