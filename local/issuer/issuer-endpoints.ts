// The real issuer URLs of a mode's identity source, exactly as the production verifiers expect them.
import type { IdentitySourceConfig } from '../../runtime/config.js';

export interface IssuerEndpoints {
  /** The `iss` claim: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`, or the OIDC issuer. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly discoveryUri: string;
}

export function issuerEndpoints(source: IdentitySourceConfig): IssuerEndpoints {
  if (source.kind === 'oidc') {
    return { issuer: source.issuer, jwksUri: source.jwksUri, discoveryUri: `${source.issuer}/.well-known/openid-configuration` };
  }
  const issuer = `https://cognito-idp.${cognitoRegion(source.userPoolId)}.amazonaws.com/${source.userPoolId}`;
  return { issuer, jwksUri: `${issuer}/.well-known/jwks.json`, discoveryUri: `${issuer}/.well-known/openid-configuration` };
}

/** A user pool id is `<region>_<id>`, such as `eu-west-1_CustPool1`. */
export function cognitoRegion(userPoolId: string): string {
  const separator = userPoolId.indexOf('_');
  if (separator <= 0) throw new Error(`${JSON.stringify(userPoolId)} is not a Cognito user pool id (<region>_<id>)`);
  return userPoolId.slice(0, separator);
}
