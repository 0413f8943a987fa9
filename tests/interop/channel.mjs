// What every interop suite shares: the API loaded from the repository's proto files, the server's address, the
// channel credentials, and a promise-returning unary call with the bearer metadata of a session.
// The credentials are plain h2c to the node by default; TLS when WEGO_GRPC_ROOT_CERT names a PEM certificate to
// trust, as when NginxFrontTests runs a suite through nginx.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

export const credentials = process.env.WEGO_GRPC_ROOT_CERT
  ? grpc.credentials.createSsl(fs.readFileSync(process.env.WEGO_GRPC_ROOT_CERT))
  : grpc.credentials.createInsecure();

export const target = process.env.WEGO_GRPC_TARGET;
assert.ok(target, 'WEGO_GRPC_TARGET must name the server, e.g. 127.0.0.1:5081');

const protoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto');

/** The package wego.assembly.v1 from the named files of proto/wego/assembly/v1 (e.g. 'auth.proto'). */
export const loadApi = (...files) => grpc.loadPackageDefinition(protoLoader.loadSync(
  files.map((file) => `wego/assembly/v1/${file}`),
  { includeDirs: [protoRoot], keepCase: true, longs: Number, enums: String, defaults: true })).wego.assembly.v1;

/** A unary call as a promise: the response, or the ServiceError. */
export const call = (service, method, request, metadata, options = {}) => new Promise((resolve, reject) =>
  service[method](request, metadata, options, (error, response) => error ? reject(error) : resolve(response)));

/** Metadata that authenticates as the session's caller. */
export const bearer = (session) => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${session.bearer_token}`);
  return metadata;
};
