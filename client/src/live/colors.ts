// Stable presence colours: one per user id, all dark enough for white label
// text (contrast ≥ 6:1 on these backgrounds, above WCAG AA's 4.5:1), and
// distinct in hue. The collaboration caret only accepts "#rrggbb".

export const PRESENCE_COLORS = [
  "#1f4fa8", // blue
  "#a61b1b", // red
  "#1d6234", // green
  "#7a3e9d", // purple
  "#8a4b08", // brown
  "#0f6b6b", // teal
  "#9d174d", // raspberry
  "#374151", // slate
] as const;

export function colorFor(userId: number): string {
  const n = PRESENCE_COLORS.length;
  return PRESENCE_COLORS[((Math.trunc(userId) % n) + n) % n] ?? PRESENCE_COLORS[0];
}
