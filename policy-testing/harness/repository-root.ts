// The root of the repository the harness belongs to: its entries test whatever domain sits at the root.
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
