import { useEffect } from 'react';
import type { StudioClient } from '../../../main/contract/pipe.js';

/**
 * A hidden tab or minimised window draws nothing: the studio stops sending it terminal output
 * (so it never holds an agent back) and sends fresh screens when it is shown again.
 */
export function useVisibilityReport(client: StudioClient): void {
  useEffect(() => {
    const report = () => client.setVisible(document.visibilityState !== 'hidden');
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [client]);
}
