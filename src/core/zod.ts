// (core) the zod of every product schema: zod/mini with its English locale, loaded once (small and fast at cold start)
/*
 * The zod every product schema is written with: zod/mini, zod 4's functional API
 * (`import * as z from '../zod'`; `z.optional(z.string())`, `z.pipe(schema, z.transform(f))`, `.check(z.minLength(1))`).
 *
 * Why not classic zod (`z.string().optional()`): the Lambda bundles load it on every cold start,
 * and classic zod costs ~40 ms to require (178 KB minified, every method attached to every schema
 * instance) against ~6 ms for zod/mini (20 KB), measured with `npm run bench -- handlers` and a
 * bundle of zod alone. The local stand-ins under src/local (never deployed) keep classic zod.
 *
 * zod/mini reports "Invalid input" for every issue unless a locale is configured; the English one
 * (the locale classic zod configures on import) is set here, once, so that every message a user or
 * an operator reads is the same whichever flavour of zod happens to be loaded.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

// Import it as a namespace (`import * as z from '…/core/zod'`): a re-exported namespace object
// would keep all of zod in the bundle, where `export *` lets esbuild drop what is never used.
export * from 'zod/mini';
