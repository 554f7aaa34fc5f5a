/** A value in a pasted shell line: quoted unless it is plainly a word or a path. */
export const shellWord = (value: string) => (/^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
