// The errors the local AVP endpoint replies with: each carries the `__type` and HTTP status AVP uses for it.

/** An error the endpoint turns into an AVP error reply. The SDK raises an error whose `name` is `type`. */
export abstract class AvpServiceError extends Error {
  abstract readonly type: string;
  abstract readonly statusCode: number;

  /** Extra members of the error body, beside `__type` and `message`. */
  details(): Record<string, unknown> {
    return {};
  }
}

export class ValidationException extends AvpServiceError {
  override readonly name = 'ValidationException';
  readonly type = 'ValidationException';
  readonly statusCode = 400;
}

export type AvpResourceType = 'POLICY_STORE' | 'POLICY' | 'POLICY_TEMPLATE' | 'SCHEMA';

export class ResourceNotFoundException extends AvpServiceError {
  override readonly name = 'ResourceNotFoundException';
  readonly type = 'ResourceNotFoundException';
  readonly statusCode = 404;

  constructor(
    readonly resourceType: AvpResourceType,
    readonly resourceId: string,
  ) {
    super(`${resourceType} ${resourceId} not found`);
  }

  override details(): Record<string, unknown> {
    return { resourceType: this.resourceType, resourceId: this.resourceId };
  }
}

export class ConflictException extends AvpServiceError {
  override readonly name = 'ConflictException';
  readonly type = 'ConflictException';
  readonly statusCode = 409;
}

/** The resource exists but its state forbids the call (a deletion-protected store). */
export class InvalidStateException extends AvpServiceError {
  override readonly name = 'InvalidStateException';
  readonly type = 'InvalidStateException';
  readonly statusCode = 400;
}

/** The caller's credentials may not make the call (AVP answers 403 before looking at the resource). */
export class AccessDeniedException extends AvpServiceError {
  override readonly name = 'AccessDeniedException';
  readonly type = 'AccessDeniedException';
  readonly statusCode = 403;
}

export class ThrottlingException extends AvpServiceError {
  override readonly name = 'ThrottlingException';
  readonly type = 'ThrottlingException';
  readonly statusCode = 429;
}

export class InternalServerException extends AvpServiceError {
  override readonly name = 'InternalServerException';
  readonly type = 'InternalServerException';
  readonly statusCode = 500;
}

/** The `x-amz-target` names no operation this endpoint implements. */
export class UnknownOperationException extends AvpServiceError {
  override readonly name = 'UnknownOperationException';
  readonly type = 'UnknownOperationException';
  readonly statusCode = 400;
}

/** The request is not `POST /` with an `application/x-amz-json-1.0` JSON object body. */
export class SerializationException extends AvpServiceError {
  override readonly name = 'SerializationException';
  readonly type = 'SerializationException';
  readonly statusCode = 400;
}
