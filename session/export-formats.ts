/**
 * The export format names, apart from their exporters (session/export.ts) so
 * the CLI can list and check them without loading tough-cookie at start-up.
 */
export const EXPORT_FORMATS = ['storage-state', 'cookie-header', 'netscape', 'json', 'env'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];
