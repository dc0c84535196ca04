/**
 * Loaded into Pulumi's dynamic-provider host by the harness (`node --require <this> <host>`), see
 * ProviderHost.ts. A partial failure travels as a google.rpc.Status in the `grpc-status-details-bin`
 * trailer, with the resource's properties (`__provider` included: about 190 KB for a provider serialized
 * by value). grpc-go, the engine's client, takes trailers up to 16 MiB. The harness's client is Node's
 * HTTP/2 (nghttp2), which refuses one header field over 64 KiB and a header block over 8 CONTINUATION
 * frames (about 144 KiB); Node 22 and later then fail the call with a protocol error, and Node 20 sends
 * GOAWAY without telling grpc-js, so the call hangs until its deadline.
 *
 * So, in the host only, a details value over CHUNK_BYTES is deflated and sent as several fields of
 * DEFLATED_KEY, each under the field cap, in order; the harness concatenates and inflates them and reads
 * the host's own bytes. The status code, the message and every other trailer are untouched.
 */
"use strict";
/* global Buffer */
const { dirname } = require("node:path");
const { deflateRawSync } = require("node:zlib");

const DETAILS_KEY = "grpc-status-details-bin";
const DEFLATED_KEY = "x-harness-status-details-deflated-bin";
/** 32 KiB of bytes is about 43 KiB of base64: one field well under nghttp2's 64 KiB. */
const CHUNK_BYTES = 32 * 1024;

const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] }));
const { Metadata } = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const add = Metadata.prototype.add;

Metadata.prototype.add = function addDeflatedInChunks(key, value) {
  if (key !== DETAILS_KEY || !Buffer.isBuffer(value) || value.length <= CHUNK_BYTES) return add.call(this, key, value);
  const deflated = deflateRawSync(value);
  for (let at = 0; at < deflated.length; at += CHUNK_BYTES)
    add.call(this, DEFLATED_KEY, deflated.subarray(at, at + CHUNK_BYTES));
};
