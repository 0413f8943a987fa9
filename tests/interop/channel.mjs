// The channel credentials of the interop suites: plain h2c to the node by default; TLS when
// WEGO_GRPC_ROOT_CERT names a PEM certificate to trust, as when NginxFrontTests runs a suite through nginx.
import fs from 'node:fs';
import grpc from '@grpc/grpc-js';

export const credentials = process.env.WEGO_GRPC_ROOT_CERT
  ? grpc.credentials.createSsl(fs.readFileSync(process.env.WEGO_GRPC_ROOT_CERT))
  : grpc.credentials.createInsecure();
