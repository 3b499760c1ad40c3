/** A table-driven case's test title: its name and what it expects, cut to stay readable. */
export function caseTitle(name: string, expected: unknown): string {
  const answer = JSON.stringify(expected);
  return `${name} → ${answer.length > 60 ? `${answer.slice(0, 57)}...` : answer}`;
}
