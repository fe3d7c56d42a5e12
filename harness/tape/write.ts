import { writeFile } from 'node:fs/promises';
import {
  exchangeSchema,
  tapeHeaderSchema,
  type ExchangeInput,
  type Tape,
  type TapeHeader,
} from './schema.ts';

/**
 * Serialises a tape to JSONL (header first). Input is validated with the same schema the reader
 * uses, so anything written can be read back.
 */
export function formatTape(header: TapeHeader, exchanges: readonly ExchangeInput[]): string {
  const lines = [JSON.stringify(tapeHeaderSchema.parse(header))];
  for (const exchange of exchanges) lines.push(JSON.stringify(exchangeSchema.parse(exchange)));
  return `${lines.join('\n')}\n`;
}

export async function writeTape(file: string, tape: Pick<Tape, 'header' | 'exchanges'>): Promise<void> {
  await writeFile(file, formatTape(tape.header, tape.exchanges), 'utf8');
}
