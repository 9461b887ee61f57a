// Test files the Deno pass leaves out, each with the reason it cannot run there yet.
export const denoExclusions: Record<string, string> = {};
