// Runs in a fresh `node` per measurement: requires the authorizer bundle and answers one event, like a Lambda cold start.
// argv: <bundle index.js> <scenario.json>. The scenario may carry stand-ins for the network (JWKS over HTTPS and
// DynamoDB reads), so a signed token reaches a real Cedar decision without leaving the machine.
'use strict';
const { readFileSync } = require('node:fs');

const [bundlePath, scenarioPath] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));

if (scenario.jwks) {
  // aws-jwt-verify fetches the JWKS with https.request; answer with the scenario's key set.
  const https = require('node:https');
  const { EventEmitter } = require('node:events');
  const { Readable } = require('node:stream');
  https.request = (_url, _options, callback) => {
    const request = new EventEmitter();
    request.end = () => {
      const response = Readable.from([Buffer.from(JSON.stringify(scenario.jwks))]);
      response.statusCode = 200;
      response.headers = { 'content-type': 'application/json' };
      process.nextTick(() => callback(response));
    };
    request.destroy = () => {};
    return request;
  };
}
if (scenario.entities) {
  // The same module instance the bundle requires (the SDK is external to it, as in Lambda).
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
  DynamoDBClient.prototype.send = async (command) => {
    const [table] = Object.keys(command.input.RequestItems ?? {});
    return { Responses: { [table]: scenario.entities }, UnprocessedKeys: {} };
  };
}

const required = performance.now();
const { handler } = require(bundlePath);
const loaded = performance.now();
Promise.resolve()
  .then(() => handler(scenario.event))
  .then(
    (result) => answer(result.isAuthorized !== undefined ? (result.isAuthorized ? 'allow' : 'deny') : result.policyDocument.Statement[0].Effect.toLowerCase()),
    (error) => answer(error instanceof Error && error.message === 'Unauthorized' ? 'unauthorized' : `error: ${error}`),
  );

function answer(outcome) {
  // performance.now() counts from the process's start: node's own start-up is included, as in a cold start.
  const line = { outcome, requireStartMs: required, requireEndMs: loaded, answerMs: performance.now() };
  process.stdout.write(`\nBENCH_ANSWER ${JSON.stringify(line)}\n`, () => process.exit(0));
}
