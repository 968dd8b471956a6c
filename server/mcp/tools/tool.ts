import type { z } from 'zod';
import type { Agent } from '../../../main/contract/model.js';
import type { AgentSide } from '../../../main/core/agentSide.js';

/**
 * What a tool sees: the caller (from its token, never from arguments) and the agent side of the
 * studio (what an agent may do, each rule stated there; no database, no PTYs, no admin). A tool
 * only adapts: its arguments (parsed by the SDK against `input`) to a call with the caller, and the
 * answer to what a model reads.
 */
export interface ToolContext {
  readonly caller: Agent;
  readonly side: AgentSide;
}

/** A tool's answer: a string is sent as is; anything else as compact JSON. */
export type ToolResult = string | Record<string, unknown> | unknown[];

export interface ToolDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  description: string;
  input: S;
  /** Tools that only read are marked so clients may call them without asking. */
  readOnly?: boolean;
  /** Async for the tools whose work waits on git (a task for a worktree agent gets its branch first). */
  run(ctx: ToolContext, args: z.infer<z.ZodObject<S>>): ToolResult | Promise<ToolResult>;
}

export function defineTool<S extends z.ZodRawShape>(def: ToolDefinition<S>): ToolDefinition<S> {
  return def;
}
