import { CreateShopsAndPages1764000000000 } from './1764000000000-create-shops-and-pages';

/** Applied in this order; a new migration is appended here (no globs, as n8n does). */
export const sqliteMigrations = [CreateShopsAndPages1764000000000];
