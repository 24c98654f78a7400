/** "1 gap", "3 gaps": a count and its word, for sentences on pages. PURE. */
export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
