// (core) input-artifacts / output-artifacts entries of an action event --> Artifact (name, S3 location)
import * as z from '../zod';
import { dropUndefined, optional, optionalList } from './schema-helpers';

/**
 * One entry of `input-artifacts` / `output-artifacts`.
 * @example
 * { "name": "SourceArtifact", "s3location": { "bucket": "project-bucket", "key": "meerkat/SourceArti/QS4E7gR" } }
 */
export const artifactSchema = z.pipe(
  z.object({
    name: z.string(),
    s3location: optional(z.object({ bucket: z.string(), key: z.string() })),
  }),
  z.transform((raw) => dropUndefined({ name: raw.name, s3Location: raw.s3location })),
);

export type Artifact = z.output<typeof artifactSchema>;

/** Absent and empty lists read the same, so consumers never check for undefined. */
export const artifactListSchema = optionalList(artifactSchema);
