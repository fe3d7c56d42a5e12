import { writeFile } from 'node:fs/promises';
import { maskDeep } from '../_internals/mask.ts';
import { IdemgateError } from '../errors.ts';
import {
  exchangeSchema,
  tapeHeaderSchema,
  type ExchangeInput,
  type TapeHeader,
} from './schema.ts';

/**
 * Serialises a tape to JSONL (header first). Input is validated with the same schema the reader
 * uses, so anything written can be read back.
 */
export function formatTape(header: TapeHeader, exchanges: readonly ExchangeInput[]): string {
  const lines = [JSON.stringify(tapeHeaderSchema.parse(header))];
  if (exchanges.length === 0) {
    throw new IdemgateError('TAPE_INVALID', `tape ${header.name}: no exchanges to write (a tape has at least one)`, {
      details: { file: undefined, line: 1 },
    });
  }
  let lastSeq = 0;
  for (const [index, exchange] of exchanges.entries()) {
    if (exchange.seq <= lastSeq) {
      throw new IdemgateError('TAPE_INVALID', `tape ${header.name}: seq ${exchange.seq} is not greater than the previous seq ${lastSeq}`, {
        details: { file: undefined, line: index + 2 },
      });
    }
    lastSeq = exchange.seq;
    lines.push(JSON.stringify(exchangeSchema.parse(exchange)));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes a tape file; exchanges may leave the schema's defaults out, as for `formatTape`. What
 * idemgate writes goes through the one masking function: the config's secrets, URL passwords,
 * private keys and credential headers (`authorization`, `stripe-signature`, …) are `***` in the
 * file. Replay re-signs every delivery with the configured test secrets, so a masked recorded
 * signature costs nothing.
 */
export async function writeTape(
  file: string,
  tape: { header: TapeHeader; exchanges: readonly ExchangeInput[] },
): Promise<void> {
  await writeFile(file, formatTape(maskDeep(tape.header), maskDeep([...tape.exchanges])), 'utf8');
}
