// The token of the explained request: given as is, signed from a claims file, or minted for a demo principal.
import type { ModeConfig } from '../../runtime/config.js';
import { closestMatch } from '../../common/did-you-mean.js';
import type { DemoData } from '../demo-world/demo-data.js';
import { mintDemoToken } from '../demo-world/demo-tokens.js';
import { decodeToken, type LocalIssuer } from '../issuer/token-issuer.js';
import type { IdentityInput } from './args.js';
import { ExplainUsageError } from './errors.js';
import { readClaimsFile } from './input-files.js';

export interface ExplainedToken {
  readonly token: string;
  /** How the token came about, for the trace. */
  readonly origin: string;
  /** The token's header and claims as written, unverified: what the runtime is about to check. */
  readonly header?: Readonly<Record<string, unknown>>;
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface TokenSourceOptions {
  readonly identity: IdentityInput;
  readonly mode: ModeConfig;
  readonly issuer: LocalIssuer;
  readonly demo: DemoData;
}

/** Throws ExplainUsageError for an unreadable claims file or an unknown demo principal. */
export function explainedToken({ identity, mode, issuer, demo }: TokenSourceOptions): ExplainedToken {
  switch (identity.kind) {
    case 'token':
      return withContents(identity.token, 'given with --token');
    case 'claims':
      // The issuer lays the file's claims over iss, aud or client_id, token_use, iat and exp: a claim the file
      // states wins, so an `exp` in the past explains an expired token.
      return withContents(issuer.mint(mode, readClaimsFile(identity.file)), `signed by the local development keys from ${identity.file}`);
    case 'principal': {
      const principals = demo.principals[mode.name] ?? {};
      const principal = principals[identity.name];
      if (!principal) {
        const names = Object.keys(principals);
        if (names.length === 0)
          throw new ExplainUsageError(`mode "${mode.name}" has no demo principals in local/demo/seed.yaml; use --claims or --token`);
        const suggestion = closestMatch(identity.name, names);
        throw new ExplainUsageError(
          `no demo principal "${identity.name}" in mode "${mode.name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; ` +
            `its principals are: ${names.join(', ')}`,
        );
      }
      return withContents(mintDemoToken(issuer, mode, principal), `minted for demo principal ${identity.name}`);
    }
  }
}

/** A token that is not a compact JWS is still sent: refusing it is the runtime's job, and the trace shows its answer. */
function withContents(token: string, origin: string): ExplainedToken {
  try {
    const { header, payload } = decodeToken(token);
    return { token, origin, header, claims: payload };
  } catch {
    return { token, origin };
  }
}
