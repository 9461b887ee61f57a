// What the terminals' --help says of a dropped connection (run-terminal.ts does it; docs/api.md).
export const reconnectNote = `In a terminal, a dropped connection is tried again for OCTANT_EXEC_RECONNECT_SECONDS (60; 0
never) and the output goes on where it stopped; with stdin piped, a drop ends the command.`;
