// A studio with the services behind its handle in reach, for tests (and the bench) that check
// what the core stored or did. Hosts hold only the handle (main/core/studio.ts); these look behind
// it through studioParts (main/core/studioParts.ts), which lint keeps out of every host.
import { createStudio, type Studio, type StudioOptions } from '../../main/core/studio.js';
import { studioParts, type StudioParts } from '../../main/core/studioParts.js';

export type StudioWithParts = Studio & StudioParts;

/** The handle and its parts as one object (the handle's calls, the parts' services: the same tabs). */
export function withParts(studio: Studio): StudioWithParts {
  return { ...studio, ...studioParts(studio) };
}

/** createStudio, with the parts in reach. */
export function createStudioWithParts(options?: StudioOptions): StudioWithParts {
  return withParts(createStudio(options));
}
