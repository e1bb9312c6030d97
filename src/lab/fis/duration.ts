const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** ISO 8601 durations as FIS writes them (`PT5M`, `PT1H30M`, `PT30S`) in ms; undefined if invalid. */
export function parseIsoDurationMs(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
}
