export * from "./errors.js";
export * from "./format.js";
export * from "./manifest.js";
export * from "./limits.js";
export * from "./diff.js";
export type * from "./keysource.js";
export * from "./merge.js";
