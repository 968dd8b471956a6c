// Comments on the lines of a task's diff, sent back to its agent as one mail: their shapes and
// inputs. The rules (context, states, the mail) are in main/core/review/.
import { z } from 'zod';
import { MAX_NOTE_CHARS, MAX_PATH_CHARS } from './limits.js';

/**
 * pending: not sent yet; open: sent, not answered, its line as it was; answered: the agent added
 * a note to the task since it was sent; outdated: the line changed (or went) since.
 */
export const COMMENT_STATES = ['pending', 'open', 'answered', 'outdated'] as const;
export type CommentState = (typeof COMMENT_STATES)[number];

/** Lines shown around a commented line, each side: enough to find it again in the file. */
export const COMMENT_CONTEXT_LINES = 3;

export interface ReviewComment {
  id: number;
  taskId: number;
  /** The file's path in the repository, as the diff names it. */
  file: string;
  /** Its line in the branch's version of the file (1-based). */
  line: number;
  text: string;
  /** The branch's commit the comment was made on. */
  head: string;
  /** The lines around it as they were then, the commented one among them. */
  context: Array<{ line: number; text: string }>;
  createdAt: number;
  sentAt: number | null;
  state: CommentState;
  /** The agent's note that answered it (state answered). */
  answer?: string;
}

export const addCommentInput = z.strictObject({
  taskId: z.number().int().positive(),
  file: z.string().min(1).max(MAX_PATH_CHARS),
  line: z.number().int().min(1),
  text: z.string().trim().min(1).max(MAX_NOTE_CHARS),
});
export type AddCommentInput = z.infer<typeof addCommentInput>;
