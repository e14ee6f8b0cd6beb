// Runs in a fresh `node` per measurement: requires the authorizer bundle and answers one event, like a Lambda cold start.
// argv: <bundle index.js> <scenario.json>. The scenario may carry stand-ins for the network (JWKS over HTTPS and
// DynamoDB reads), so a signed token reaches a real Cedar decision without leaving the machine.
'use strict';
const { readFileSync } = require('node:fs');

const [bundlePath, scenarioPath] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));

// Where the time goes, without touching the bundle: the wasm compile and instantiation are timed around the
// WebAssembly constructors the bundled cedar-wasm glue calls, and the engine's preparse and decision calls around the
// instance's exports (the glue reads every export from the object the constructor returns).
const phases = { wasmCompileMs: 0, wasmInstantiateMs: 0, preparseMs: 0, decideMs: 0, verifyMs: 0 };
const TIMED_EXPORTS = { preparsePolicySet: 'preparseMs', preparseSchema: 'preparseMs', statefulIsAuthorized: 'decideMs' };
const timed = (phase, run) => {
  const started = performance.now();
  try {
    return run();
  } finally {
    phases[phase] += performance.now() - started;
  }
};
// aws-jwt-verify imports the JWK and checks the signature with node:crypto (read through the module object at call time).
const crypto = require('node:crypto');
const realCreatePublicKey = crypto.createPublicKey;
crypto.createPublicKey = (...args) => timed('verifyMs', () => realCreatePublicKey(...args));
const realCreateVerify = crypto.createVerify;
crypto.createVerify = (...args) => {
  const verifier = timed('verifyMs', () => realCreateVerify(...args));
  const check = verifier.verify.bind(verifier);
  verifier.verify = (...checkArgs) => timed('verifyMs', () => check(...checkArgs));
  return verifier;
};
const RealModule = WebAssembly.Module;
const RealInstance = WebAssembly.Instance;
WebAssembly.Module = function Module(bytes) {
  return timed('wasmCompileMs', () => new RealModule(bytes));
};
WebAssembly.Instance = function Instance(module, imports) {
  const instance = timed('wasmInstantiateMs', () => new RealInstance(module, imports));
  const exports = {};
  for (const [name, value] of Object.entries(instance.exports)) {
    const phase = TIMED_EXPORTS[name];
    exports[name] = phase && typeof value === 'function' ? (...args) => timed(phase, () => value(...args)) : value;
  }
  return { exports };
};

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
const preparseAtLoad = phases.preparseMs;
Promise.resolve()
  .then(() => handler(scenario.event))
  .then(
    (result) => answer(result.isAuthorized !== undefined ? (result.isAuthorized ? 'allow' : 'deny') : result.policyDocument.Statement[0].Effect.toLowerCase()),
    (error) => answer(error instanceof Error && error.message === 'Unauthorized' ? 'unauthorized' : `error: ${error}`),
  );

function answer(outcome) {
  // performance.now() counts from the process's start: node's own start-up is included, as in a cold start.
  const cpu = process.cpuUsage();
  const line = {
    outcome,
    requireStartMs: required,
    requireEndMs: loaded,
    answerMs: performance.now(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    phases,
    preparseInRequire: preparseAtLoad,
  };
  process.stdout.write(`\nBENCH_ANSWER ${JSON.stringify(line)}\n`, () => process.exit(0));
}
