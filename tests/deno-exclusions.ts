// Test files the Deno pass leaves out, each with the reason (outside our code) it cannot run there.
export const denoExclusions: Record<string, string> = {};
