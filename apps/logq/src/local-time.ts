function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Formats a time in the local zone as `YYYY-MM-DD HH:MM:SS`, the form the text tables show. */
export function formatLocalTime(time: Date): string {
  const date = `${time.getFullYear()}-${pad2(time.getMonth() + 1)}-${pad2(time.getDate())}`;
  return `${date} ${pad2(time.getHours())}:${pad2(time.getMinutes())}:${pad2(time.getSeconds())}`;
}
