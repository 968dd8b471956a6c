import type { z } from 'zod';
import type { Agent } from '../../main/contract/model.js';
import type { Studio } from '../../main/core/studio.js';

/** What a tool sees: the caller (from its token, never from arguments) and the studio's services. */
export interface ToolContext {
  readonly caller: Agent;
  readonly studio: Studio;
}

/** A tool's answer: a string is sent as is; anything else as compact JSON. */
export type ToolResult = string | Record<string, unknown> | unknown[];

export interface ToolDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  description: string;
  input: S;
  /** Tools that only read are marked so clients may call them without asking. */
  readOnly?: boolean;
  run(ctx: ToolContext, args: z.infer<z.ZodObject<S>>): ToolResult;
}

export function defineTool<S extends z.ZodRawShape>(def: ToolDefinition<S>): ToolDefinition<S> {
  return def;
}
