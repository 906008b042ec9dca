/** `"name"` with inner quotes doubled: a safe identifier in SQLite and PostgreSQL alike. */
export const quote = (identifier: string) => `"${identifier.replace(/"/g, "\"\"")}"`
