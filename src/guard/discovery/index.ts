/** @module guard/discovery — shadow-AI discovery (pure): proxy and DNS log parsers, the AI-service catalogue, per-user and per-department report, CSV. */
export type { Catalogue, CatalogueExtension, CatalogueService } from './catalogue.js';
export {
  buildCatalogue,
  catalogueExtensionSchema,
  catalogueServiceSchema,
  mergeCatalogue,
  SERVICE_CATEGORIES,
  SHIPPED_SERVICES,
} from './catalogue.js';
export type { DepartmentMap } from './inputs.js';
export { parseCatalogueExtension, parseDepartmentMap } from './inputs.js';
export type { LineResult, LogFormat, LogParserOptions, LogRecord } from './parsers.js';
export { LOG_FORMATS, LogParser, MAX_LINE, normaliseHost, parseTime } from './parsers.js';
export type { DepartmentOf, DepartmentUsage, DiscoveryReport, ServiceUsage, UserUsage } from './report.js';
export { CSV_HEADER, csvCell, DiscoveryAggregator, reportToCsv } from './report.js';
