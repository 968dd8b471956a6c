// The desktop app's folder picker: the studio's service as the window sees it, with pickFolder
// answered by the OS dialog. Free of electron (the dialog is passed in), so Node tests cover it.
import type { StudioService } from '../contract/service.js';

/** What Electron's dialog.showOpenDialog answers, as far as this needs it. */
export type OpenDialog = (options: {
  title: string;
  properties: Array<'openDirectory' | 'createDirectory'>;
  defaultPath?: string;
}) => Promise<{ canceled: boolean; filePaths: string[] }>;

export function withFolderPicker(service: StudioService, open: OpenDialog): StudioService {
  return {
    ...service,
    pickFolder: async () => {
      const { suggested } = await service.folderChoices();
      const answer = await open({
        title: 'Where does this agent work?',
        properties: ['openDirectory', 'createDirectory'],
        defaultPath: suggested,
      });
      return answer.canceled ? null : (answer.filePaths[0] ?? null);
    },
  };
}
