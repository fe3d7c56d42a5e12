import type { RunReport } from './model.ts';

/** results.json: the run report itself, for machines (schema in schema/results.schema.json). */
export const renderJson = (report: RunReport): string => `${JSON.stringify(report, null, 2)}\n`;
