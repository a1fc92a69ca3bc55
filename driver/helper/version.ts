// The helper's own copy of Tenbolt's version (it may not import app/version.ts); a test keeps it equal.
export const HELPER_VERSION = "0.1.0";
