/** The share of an answer's current text one writer has, as shown: "<1 %" rather than a misleading 0 %. */
export function share(characters: number, total: number): string {
  if (total <= 0) return "0 %";
  const percent = (100 * characters) / total;
  if (percent > 0 && percent < 0.5) return "<1 %";
  return `${Math.round(percent)} %`;
}
