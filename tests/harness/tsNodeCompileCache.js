/**
 * Preloaded (`node --require`) into the program runner, before ts-node's own bin registers: keeps
 * ts-node's output for each TypeScript file on disk, so a step's program does not transpile the
 * provider's sources again (about 2.5 s of CPU per step, most of a step's fixed cost after loading).
 *
 * What runs is unchanged: on a miss ts-node compiles as always and its output is stored; on a hit the
 * stored output — the same text ts-node returned for the same source, file name, ts-node and
 * TypeScript versions and resolved config — is returned instead. The key covers all of these, so an
 * edited file or tsconfig is compiled afresh. Stack traces keep their TypeScript lines: the output
 * carries its inline source map, and a hit is handed to source-map-support as ts-node does a miss.
 *
 * Plain JavaScript: it must load before ts-node exists in the process.
 */
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

/** node_modules/.cache, as other build tools keep theirs: ignored by git, gone with `npm ci`. */
const CACHE_DIR = join(__dirname, "..", "..", "node_modules", ".cache", "harness-ts-node");

const tsNode = require("ts-node");
const register = tsNode.register;
tsNode.register = function registerWithCache(service, ...rest) {
  if (service && typeof service.compile === "function") cacheCompile(service);
  return register.call(this, service, ...rest);
};

function cacheCompile(service) {
  const configKey = createHash("sha256")
    .update(
      JSON.stringify([
        tsNode.VERSION,
        service.ts.version,
        process.version,
        service.config.options,
        // ts-node's own options (transpileOnly, compilerOptions, moduleTypes, ...); functions drop out.
        service.options,
      ]),
    )
    .digest("hex");
  const hits = new Map();
  require("@cspotcode/source-map-support").install({
    environment: "node",
    retrieveFile: (path) => hits.get(path.replace(/\\/g, "/")) ?? null,
  });
  const compile = service.compile;
  service.compile = function compileWithCache(code, fileName, lineOffset) {
    const key = createHash("sha256")
      .update(`${configKey}\0${fileName}\0${lineOffset ?? 0}\0${code}`)
      .digest("hex");
    const file = join(CACHE_DIR, `${key}.js`);
    let output;
    try {
      output = readFileSync(file, "utf8");
    } catch {
      output = compile.call(this, code, fileName, lineOffset);
      try {
        mkdirSync(CACHE_DIR, { recursive: true });
        // Written aside, then renamed: two runners compiling the same file never read half of it.
        const partial = `${file}.${process.pid}.tmp`;
        writeFileSync(partial, output);
        renameSync(partial, file);
      } catch {
        // A cache that cannot be written only costs time.
      }
      return output;
    }
    hits.set(fileName.replace(/\\/g, "/"), output);
    return output;
  };
}
