export * from './hillstrom/hillstrom-row.ts';
export * from './hillstrom/hillstrom.importer.ts';
export * from './imports.module.ts';
