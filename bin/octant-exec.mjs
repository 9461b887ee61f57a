#!/usr/bin/env node
// `npx octant-exec`: runs the TypeScript command line through tsx (Node 20 has no type stripping).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
