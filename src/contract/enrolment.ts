import { z } from 'zod';
import { ExternalId, TagId, validityIsOrdered, validityShape } from './primitives.js';

/** Who wears a tag, and when. A null value on the enrolments topic ends the enrolment. */
export const EnrolmentSchema = z
  .object({
    tagId: TagId,
    subjectId: ExternalId,
    ...validityShape,
  })
  .refine(validityIsOrdered, { path: ['validTo'], message: 'must be later than validFrom' });

export type Enrolment = z.infer<typeof EnrolmentSchema>;
