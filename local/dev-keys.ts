// The local issuer's signing keys, kept in .tmp/ (git-ignored) so `npm run token` and `npm start` sign alike.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningKey, signingKeyFromPem, type SigningKey } from './issuer/signing-keys.js';

export const DEV_KEYS_FILE = join(fileURLToPath(new URL('..', import.meta.url)), '.tmp', 'dev-keys.json');

interface SavedKeys {
  readonly rsa: string;
  readonly ec: string;
}

/** Development-only keys: made on first use, readable by the owner only, never committed. */
export function loadOrCreateDevKeys(file: string = DEV_KEYS_FILE): { rsa: SigningKey; ec: SigningKey } {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedKeys;
    return { rsa: signingKeyFromPem('rsa', saved.rsa), ec: signingKeyFromPem('ec', saved.ec) };
  }
  const keys = { rsa: generateSigningKey('rsa'), ec: generateSigningKey('ec') };
  const saved: SavedKeys = {
    rsa: keys.rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ec: keys.ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}
