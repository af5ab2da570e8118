export function PollPage() {
  return null;
}
