// The one error of value conversion: a claim or request value that is not of its declared type. Callers wrap it in a
// ClaimError (from the token) or a RouteError (from the request), which decide Deny.

export class ValueTypeError extends Error {
  override readonly name = 'ValueTypeError';
}
