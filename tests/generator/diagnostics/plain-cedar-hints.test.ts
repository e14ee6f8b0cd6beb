import { describe, expect, it } from 'vitest';
import {
  modeNameHint,
  type SchemaNames,
  suggestNamespace,
  unrecognizedNameHint,
  wrapInNamespaceHint,
} from '../../../generator/diagnostics/plain-cedar-hints.js';

const NAMES: SchemaNames = {
  namespace: 'PhotoApp',
  entityTypes: ['PhotoApp::Album', 'PhotoApp::Photo', 'PhotoApp::User', 'PhotoApp::UserGroup'],
  actionIds: ['a', 'edit', 'view'],
};

describe('suggestNamespace', () => {
  it('names the namespace after the schema file, in PascalCase', () => {
    expect(['schema/photo-app.cedarschema', 'schema/photoflash.cedarschema', 'schema/doc_cloud.cedarschema'].map(suggestNamespace)).toEqual(
      ['PhotoApp', 'Photoflash', 'DocCloud'],
    );
  });

  it('keeps the name a Cedar identifier when the file name starts with a digit or has no letters', () => {
    expect(['schema/2fa.cedarschema', 'schema/---.cedarschema'].map(suggestNamespace)).toEqual(['App2fa', 'App']);
  });
});

describe('wrapInNamespaceHint', () => {
  it('says where the two lines of the wrapping go', () => {
    expect(wrapInNamespaceHint('schema/photo-app.cedarschema', { line: 4, column: 1 })).toBe(
      'Wrap the schema in `namespace PhotoApp { ... }`: add the line `namespace PhotoApp {` above line 4 and the line `}` ' +
        'after the last declaration; policies and modes then name `PhotoApp::<EntityType>` and `PhotoApp::Action::"<id>"`.',
    );
  });
});

describe('unrecognizedNameHint', () => {
  it('qualifies an entity type written without the namespace', () => {
    expect(unrecognizedNameHint('for policy `0`, unrecognized entity type `UserGroup`', NAMES)).toBe(
      'Write `PhotoApp::UserGroup` instead of `UserGroup`: the schema declares it in namespace PhotoApp.',
    );
  });

  it('qualifies an action written without the namespace, keeping its id', () => {
    expect(unrecognizedNameHint('unrecognized action `Action::"view"`', NAMES)).toBe(
      'Write `PhotoApp::Action::"view"` instead of `Action::"view"`: the schema declares it in namespace PhotoApp.',
    );
  });

  it('names the closest declared action for a misspelt one', () => {
    expect(unrecognizedNameHint('unrecognized action `PhotoApp::Action::"vieww"`', NAMES)).toBe(
      'Write `PhotoApp::Action::"view"` instead of `PhotoApp::Action::"vieww"`: the schema declares no ' +
        '`PhotoApp::Action::"vieww"`, and `PhotoApp::Action::"view"` is the closest name it declares.',
    );
  });

  it('gives no hint for a name nothing declared is close to, or for another kind of message', () => {
    expect([
      unrecognizedNameHint('unrecognized entity type `Invoice`', NAMES),
      unrecognizedNameHint('unrecognized action `Other::Action::"view"`', NAMES),
      unrecognizedNameHint('attribute `owner` not found', NAMES),
    ]).toEqual([undefined, undefined, undefined]);
  });
});

describe('modeNameHint', () => {
  it('qualifies an entity type and turns an action uid into its id', () => {
    expect([modeNameHint('entityType', 'User', NAMES), modeNameHint('action', 'PhotoApp::Action::"edit"', NAMES)]).toEqual([
      'Write `PhotoApp::User` instead of `User`: the schema declares it in namespace PhotoApp.',
      'Write `edit` instead of `PhotoApp::Action::"edit"`: mode files name an action by its id alone.',
    ]);
  });
});
