// The MCP Inspector CLI (an independent client, under Node 22) against a real studio in this
// process, on both transports: tool listing, a message and a task round trip between two agents
// whose identities come only from their tokens, and a rejected token.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../../server/mcp/tools/index.js';
import { skipTitle } from '../support/skipReason.js';
import { startTestStudio, type TestStudio } from '../support/studioHarness.js';
import {
  InspectorClient,
  realClientsMissingReason,
  tempDir,
  type InboxAnswer,
  type InspectorTransport,
  type TaskAnswer,
} from '../support/realClients.js';

const TIMEOUT = 120_000;

const SUITE = skipTitle('MCP Inspector CLI against the studio', realClientsMissingReason);
describe.skipIf(realClientsMissingReason)(SUITE, () => {
  let ts: TestStudio;
  let home: string;
  let aliceToken: string;
  let bobToken: string;

  beforeAll(async () => {
    ts = await startTestStudio();
    aliceToken = ts.addAgent('alice', 'lead');
    bobToken = ts.addAgent('bob', 'worker');
    home = tempDir('ccstudio-inspector-home-');
  });

  afterAll(async () => {
    await ts?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  describe.each<InspectorTransport>(['http', 'sse'])('over %s', (transport) => {
    const as = (token: string) => new InspectorClient(home, ts.http.url, transport, token);

    it(
      'lists every studio tool',
      async () => {
        const tools = await as(aliceToken).listTools();
        const names = tools.map((t) => t.name);
        expect(names).toEqual(TOOLS.map((t) => t.name));
        expect(names).toHaveLength(TOOLS.length);
        for (const t of tools) {
          expect(t.description, `${t.name} has a description`).toBeTruthy();
          expect(t.inputSchema, `${t.name} has an input schema`).toMatchObject({ type: 'object' });
        }
      },
      TIMEOUT,
    );

    it(
      'carries a message and a task between two agents, the sender stamped from the token',
      async () => {
        const alice = as(aliceToken);
        const bob = as(bobToken);
        const tag = `${transport}-${Math.random().toString(36).slice(2, 8)}`;

        // A message: the server names the sender from alice's token.
        const sent = await alice.text('send_message', { to: 'bob', text: `hello bob (${tag})` });
        // bob is an MCP client the studio did not start: alice is told it cannot be woken.
        expect(sent).toMatch(
          /^Sent message #\d+ to bob\. Note: bob runs elsewhere, so the studio cannot wake it: it sees this when it next checks its inbox\.$/,
        );
        const inbox1 = await bob.json<InboxAnswer>('check_inbox');
        const hello = inbox1.messages.find((m) => m.text === `hello bob (${tag})`);
        expect(hello, JSON.stringify(inbox1)).toBeDefined();
        expect(hello).toMatchObject({ from: 'alice', to: 'bob' });
        expect(inbox1.more_unread).toBeUndefined();

        // The sender cannot be given as an argument: the call is refused and nothing is stored.
        const spoof = await alice.call('send_message', {
          to: 'bob',
          text: `spoof (${tag})`,
          from: 'mallory',
        });
        expect(spoof.isError).toBe(true);
        expect(spoof.code).toBe(5);
        expect(spoof.text).toMatch(/from/);

        // A task: bob gets it as a message from alice.
        const task = await alice.json<TaskAnswer>('dispatch_task', {
          title: `Write the ${tag} report`,
          body: 'Two paragraphs.',
          to: 'bob',
          priority: 'high',
        });
        expect(task).toMatchObject({
          status: 'assigned',
          assignee: 'bob',
          dispatcher: 'alice',
          priority: 'high',
        });
        const inbox2 = await bob.json<InboxAnswer>('check_inbox');
        expect(inbox2.messages.some((m) => m.text.includes('spoof'))).toBe(false);
        const assignment = inbox2.messages.find((m) => m.task_id === task.id);
        expect(assignment, JSON.stringify(inbox2)).toMatchObject({ from: 'alice', type: 'task' });
        expect(assignment?.text).toContain(`Write the ${tag} report`);

        // bob finishes it with a result; alice, the dispatcher, is told.
        const done = await bob.json<TaskAnswer>('update_task', {
          task_id: task.id,
          status: 'done',
          result: `Report ${tag} written.`,
        });
        expect(done).toMatchObject({ id: task.id, status: 'done', result: `Report ${tag} written.` });
        const inbox3 = await alice.json<InboxAnswer>('check_inbox');
        const notice = inbox3.messages.find((m) => m.task_id === task.id);
        expect(notice, JSON.stringify(inbox3)).toMatchObject({ from: 'bob', to: 'alice', type: 'result' });
        expect(notice?.text).toContain(`Report ${tag} written.`);
        expect(notice?.text).toContain('done');

        // The board agrees, history included.
        const detail = await alice.json<TaskAnswer>('get_task', { task_id: task.id });
        expect(detail).toMatchObject({
          status: 'done',
          assignee: 'bob',
          dispatcher: 'alice',
          result: `Report ${tag} written.`,
        });
        expect(detail.history?.map((e) => [e.by, e.kind])).toEqual(
          expect.arrayContaining([
            ['alice', 'created'],
            ['bob', 'status'],
            ['bob', 'result'],
          ]),
        );

        // Everything was read: both inboxes are empty now.
        expect((await bob.json<InboxAnswer>('check_inbox')).messages).toEqual([]);
        expect((await alice.json<InboxAnswer>('check_inbox')).messages).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'refuses a wrong token (Inspector exit 3) and a right token keeps working',
      async () => {
        const wrong = await as('ccs_not-a-real-token').raw(['--method', 'tools/list']);
        expect(wrong.code, `stdout: ${wrong.stdout}\nstderr: ${wrong.stderr}`).toBe(3);
        expect(wrong.stdout).not.toContain('send_message');
        expect(wrong.stderr).toMatch(/auth_required/);
        if (transport === 'http') expect(wrong.stderr).toContain('Invalid token');
        else expect(wrong.stderr).toContain('401');

        const right = await as(bobToken).listTools();
        expect(right.length).toBe(TOOLS.length);
      },
      TIMEOUT,
    );
  });
});
