/** A string literal for DuckDB SQL (paths, metadata): single quotes doubled. */
export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
