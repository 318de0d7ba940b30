/** ISO 8601 durations (`PT20S`, `P1D`, `PT1H30M`, `P2W`) in milliseconds; months count 30 days, years 365. */
const DURATION =
  /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

const UNIT_MS = [365 * 86400000, 30 * 86400000, 7 * 86400000, 86400000, 3600000, 60000, 1000];

export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  let total = 0;
  UNIT_MS.forEach((unit, index) => {
    const value = match[index + 2];
    if (value !== undefined) total += Number(value) * unit;
  });
  return match[1] ? -total : total;
}

/** Wait action units (Second…Month) in milliseconds. */
export const WAIT_UNITS: Readonly<Record<string, number>> = {
  second: 1000,
  minute: 60000,
  hour: 3600000,
  day: 86400000,
  week: 7 * 86400000,
  month: 30 * 86400000,
};
