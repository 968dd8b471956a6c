import { describe, expect, it } from 'vitest';
import { withFolderPicker, type OpenDialog } from '../../../main/electron/folderPicker.js';
import { createStudioWithParts } from '../../support/studioParts.js';

describe("the desktop app's folder picker", () => {
  it('answers pickFolder with the OS dialog, opened at the suggested folder; cancel is null', async () => {
    const studio = createStudioWithParts({ databaseFile: ':memory:', teamCwd: '/work/projects' });
    try {
      const asked: Array<Parameters<OpenDialog>[0]> = [];
      let answer = { canceled: false, filePaths: ['/work/projects/app'] };
      const service = withFolderPicker(studio.service, async (options) => {
        asked.push(options);
        return answer;
      });
      expect(await service.pickFolder()).toBe('/work/projects/app');
      expect(asked[0]).toMatchObject({
        defaultPath: '/work/projects',
        properties: ['openDirectory', 'createDirectory'],
      });
      answer = { canceled: true, filePaths: [] };
      expect(await service.pickFolder()).toBeNull();
      // Everything else is the studio's own service.
      expect((await service.listAgents()).map((a) => a.name)).toEqual(['user']);
      await expect(studio.service.pickFolder()).rejects.toThrow(/type the folder instead/);
    } finally {
      await studio.close();
    }
  });
});
