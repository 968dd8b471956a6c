import { createContext, useContext, type ReactNode } from 'react';
import type { StudioClient } from '../../../main/contract/pipe.js';

/** Says something to the person in the notice over the tiles; an error shows red. */
export type Notify = (text: string, error?: boolean) => void;

/** What every part of the window reaches without props: the studio, the notices, the shell. */
export interface Studio {
  client: StudioClient;
  notify: Notify;
  /** The desktop app (the OS's folder picker and notifications), not a browser tab. */
  desktop: boolean;
}

const StudioContext = createContext<Studio | null>(null);

/** Given once by App, for everything it shows. */
export function StudioProvider({ studio, children }: { studio: Studio; children: ReactNode }) {
  return <StudioContext.Provider value={studio}>{children}</StudioContext.Provider>;
}

export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (!studio) throw new Error('useStudio() needs a <StudioProvider> above it (App gives one).');
  return studio;
}
