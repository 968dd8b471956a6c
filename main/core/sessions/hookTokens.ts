// Hook credentials: one per running Claude Code process, made at its start and dead at its exit.
// Claude Code's hooks report with it; nothing else (an agent's MCP token, an old process's hook
// token) is taken for one.
import { randomBytes } from 'node:crypto';
import { hashToken } from '../agents/agentRegistry.js';

/** As random as an agent's MCP token. */
const HOOK_TOKEN_BYTES = 24;
/** Tells a hook token apart from an MCP token in logs and bug reports. */
export const HOOK_TOKEN_PREFIX = 'ccsh_';

/** A hook credential as made: the token goes into the process's launch, the hash is what is kept. */
export interface HookCredential {
  token: string;
  hash: string;
}

/** Which running process (by agent) holds which hook credential; only hashes are kept. */
export class HookTokens {
  private readonly byHash = new Map<string, number>();

  /** A fresh credential; it reports for nobody until bound to the process that got it. */
  issue(): HookCredential {
    const token = HOOK_TOKEN_PREFIX + randomBytes(HOOK_TOKEN_BYTES).toString('base64url');
    return { token, hash: hashToken(token) };
  }

  bind(hash: string, agentId: number): void {
    this.byHash.set(hash, agentId);
  }

  /** Its process is gone: the credential reports for nobody from now on. */
  forget(hash: string | undefined): void {
    if (hash) this.byHash.delete(hash);
  }

  /** The agent whose running process holds this credential, if any. */
  agentIdFor(token: string): number | undefined {
    return this.byHash.get(hashToken(token));
  }

  clear(): void {
    this.byHash.clear();
  }
}
