// Stands in for the server-only package under vitest.
export {};
