// `ccstudio notify`: the webhook attention notices go to.
import type { CommandTree } from '../kit/commandKit.js';
import { formatNotify } from '../kit/format.js';
import { json, out } from '../kit/io.js';
import type { CommandContext } from '../kit/studioAccess.js';
import { noMore, usageError } from '../kit/usage.js';

export function notifyCommands(tree: CommandTree): void {
  tree.studioCommand(
    tree.root,
    {
      name: 'notify',
      summary: 'Where notices go when an agent waits for you or a task reaches review or done.',
      options: [
        { name: 'webhook', value: 'URL', help: "a webhook (Slack's incoming webhooks, ntfy)" },
        { name: 'topic', value: 'T', help: 'the ntfy topic' },
        { name: 'off', help: 'send no notices' },
        { name: 'test', help: 'send one now' },
        { name: 'json', help: 'print JSON' },
      ],
      examples: ['ccstudio notify --webhook https://ntfy.sh --topic my-studio --test'],
    },
    notifyCommand,
  );
}

/** `ccstudio notify`: the webhook attention notices go to. */
async function notifyCommand({ values, words, service }: CommandContext): Promise<number> {
  noMore(words, 'notify');
  if (values.off && values.webhook) throw usageError('Give --webhook URL or --off, not both.', 'notify');
  if (values.topic && !values.webhook) throw usageError('--topic goes with --webhook URL.', 'notify');
  let status = await service.notifyStatus();
  if (values.off) status = await service.setNotify({ webhookUrl: null, webhookTopic: null });
  else if (values.webhook)
    status = await service.setNotify({ webhookUrl: values.webhook, webhookTopic: values.topic ?? null });
  if (values.test) status = await service.testNotify();
  if (values.json) json(status);
  else out(formatNotify(status, !!values.test));
  return 0;
}
