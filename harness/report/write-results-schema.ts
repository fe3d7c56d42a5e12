/** `npm run schema`: regenerates schema/results.schema.json from the zod schema in results-schema.ts. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { RESULTS_SCHEMA_FILE, resultsJsonSchemaText } from './results-schema.ts';

await writeFile(RESULTS_SCHEMA_FILE, resultsJsonSchemaText(), 'utf8');
console.log(`wrote ${fileURLToPath(RESULTS_SCHEMA_FILE)}`);
