// classifySdkFailure sorts what the AVP SDK throws into the kinds the import and plan CLIs explain differently.
// The exceptions are the SDK's own classes, built as its deserializer builds them from an error reply.
import {
  AccessDeniedException,
  ResourceNotFoundException,
  ThrottlingException,
  VerifiedPermissionsServiceException,
} from '@aws-sdk/client-verifiedpermissions';
import { describe, expect, it } from 'vitest';
import { classifySdkFailure } from '../../../scripts/aws/sdk-failure.js';

const $metadata = { httpStatusCode: 400 };

/** A node socket error as the SDK's HTTP handler passes it on: an Error with a `code`. */
function nodeError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe('classifySdkFailure', () => {
  it('names the missing resource type of a ResourceNotFoundException, so a missing SCHEMA differs from a missing store', () => {
    const schema = new ResourceNotFoundException({ message: 'no schema', $metadata, resourceId: 'PS1', resourceType: 'SCHEMA' });
    const store = new ResourceNotFoundException({ message: 'no store', $metadata, resourceId: 'PS1', resourceType: 'POLICY_STORE' });

    expect([classifySdkFailure(schema), classifySdkFailure(store)]).toEqual([
      { kind: 'not-found', resourceType: 'SCHEMA' },
      { kind: 'not-found', resourceType: 'POLICY_STORE' },
    ]);
  });

  it('gives an AccessDeniedException its message on one line', () => {
    const denied = new AccessDeniedException({ message: 'not authorized\n  to perform   GetSchema', $metadata });

    expect(classifySdkFailure(denied)).toEqual({ kind: 'access-denied', message: 'not authorized to perform GetSchema' });
  });

  it('gives any other AVP exception its name and message', () => {
    const throttled = new ThrottlingException({ message: 'Rate exceeded', $metadata });
    const unmodelled = new VerifiedPermissionsServiceException({
      name: 'SomeNewException',
      message: 'a new error',
      $fault: 'server',
      $metadata,
    });

    expect([classifySdkFailure(throttled), classifySdkFailure(unmodelled)]).toEqual([
      { kind: 'service', name: 'ThrottlingException', message: 'Rate exceeded' },
      { kind: 'service', name: 'SomeNewException', message: 'a new error' },
    ]);
  });

  it('says there were no credentials when the credential chain found none', () => {
    // The SDK's credential providers throw an Error named CredentialsProviderError (@smithy/property-provider).
    const none = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });

    expect(classifySdkFailure(none)).toEqual({ kind: 'no-credentials', message: 'Could not load credentials from any providers' });
  });

  it('finds the network code of a connection failure, also when the SDK wraps it', () => {
    const wrapped = new Error('socket hang up', { cause: nodeError('ECONNRESET') });

    expect([classifySdkFailure(nodeError('ECONNREFUSED')), classifySdkFailure(wrapped)]).toEqual([
      { kind: 'unreachable', network: 'ECONNREFUSED' },
      { kind: 'unreachable', network: 'ECONNRESET' },
    ]);
  });

  it("reads the SDK's own TimeoutError as unreachable, timed out", () => {
    const timeout = Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });

    expect(classifySdkFailure(timeout)).toEqual({ kind: 'unreachable', network: 'timed out' });
  });

  it('keeps anything else as other, with its message on one line, also for a thrown non-Error', () => {
    expect([classifySdkFailure(new Error('bad\nreply')), classifySdkFailure('plain text')]).toEqual([
      { kind: 'other', message: 'bad reply' },
      { kind: 'other', message: 'plain text' },
    ]);
  });
});
