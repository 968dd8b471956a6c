import { useEffect, useState } from 'react';
import type { AgentCost, ResourceReport } from '../../../main/contract/model.js';
import { useStudio } from '../context/StudioContext.js';

/** The studio reads memory every 15 s; the window asks as often. */
const REFRESH_MS = 15_000;

/** What each agent costs, now and over the last hours; read again every REFRESH_MS. */
export function useResources(): { report: ResourceReport | null; error: string | null } {
  const { client } = useStudio();
  const [report, setReport] = useState<ResourceReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const read = () =>
      client.resources().then(
        (r) => {
          if (!live) return;
          setReport(r);
          setError(null);
        },
        (err: Error) => live && setError(err.message),
      );
    void read();
    const timer = setInterval(read, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);
  return { report, error };
}

/** Each agent's cost now, by name (empty until the first read). */
export function costsByName(report: ResourceReport | null): Record<string, AgentCost> {
  return Object.fromEntries((report?.now ?? []).map((c) => [c.name, c]));
}
