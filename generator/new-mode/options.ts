// What `npm run new-mode` can be asked for: the API flavours and the identity providers, as allow-lists.
import type { ApiType, IdentitySource } from '../load/mode-file.js';

export const NEW_MODE_APIS = ['rest', 'http', 'websocket'] as const satisfies readonly ApiType[];
export type NewModeApi = (typeof NEW_MODE_APIS)[number];

export const NEW_MODE_IDENTITIES = ['cognito', 'oidc', 'client-credentials'] as const;
export type NewModeIdentity = (typeof NEW_MODE_IDENTITIES)[number];

/** The mode file's `identitySource.kind` for each --identity (the command line spells words with dashes). */
export const IDENTITY_KINDS: Readonly<Record<NewModeIdentity, IdentitySource['kind']>> = {
  cognito: 'cognito',
  oidc: 'oidc',
  'client-credentials': 'clientCredentials',
};

/** The mode schema's own rule for `name`, which is also the file name. */
export const MODE_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

export interface NewModeRequest {
  /** The project root: its schema/ and policies/ are read, and modes/<name>.yaml is written. */
  readonly root: string;
  readonly name: string;
  readonly api: NewModeApi;
  readonly identity: NewModeIdentity;
}

export function isNewModeApi(value: string): value is NewModeApi {
  return (NEW_MODE_APIS as readonly string[]).includes(value);
}

export function isNewModeIdentity(value: string): value is NewModeIdentity {
  return (NEW_MODE_IDENTITIES as readonly string[]).includes(value);
}
