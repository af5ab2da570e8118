export function PollsPage() {
  return null;
}
