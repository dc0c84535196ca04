/** "1 server", "3 servers": a count with its noun in the right number (English plurals by suffix). */
export function countOf(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
