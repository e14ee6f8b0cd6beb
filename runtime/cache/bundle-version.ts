// The version of a policy bundle: a short hash of its whole content (schema, policies, templates), computed once at
// init. Decisions are cached under it, so a decision made under one bundle is never served under another.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../common/deploy-identity.js';
import type { PolicyBundle } from '../config.js';

/** 16 hex digits of SHA-256 over the bundle's canonical JSON: the same content gives the same version, key order aside. */
export function policyBundleVersion(bundle: PolicyBundle): string {
  return createHash('sha256').update(canonicalJson(bundle)).digest('hex').slice(0, 16);
}
