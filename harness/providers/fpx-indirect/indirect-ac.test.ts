import { describe, expect, it } from 'vitest';
import { tapeOf } from '../_internals/test-tape.ts';
import { formatAc } from '../fpx/ac.ts';
import { fpxDirectAc } from '../fpx/direct-ac.ts';
import { fpxIndirectAc } from './indirect-ac.ts';

const body = formatAc({
  fpx_msgType: 'AC', fpx_msgToken: '01', fpx_fpxTxnId: '2603130000003883', fpx_sellerExId: 'EX1', fpx_sellerExOrderNo: 'O1',
  fpx_fpxTxnTime: '20260313000000', fpx_sellerTxnTime: '20260312235950', fpx_sellerOrderNo: 'O1', fpx_sellerId: 'SE1',
  fpx_txnCurrency: 'MYR', fpx_txnAmount: '39.00', fpx_buyerBankId: 'MB2U0227', fpx_buyerBankBranch: 'MAYBANK2U', fpx_buyerName: 'A',
  fpx_buyerId: '', fpx_makerName: '', fpx_buyerIban: '', fpx_debitAuthCode: '00', fpx_debitAuthNo: '1', fpx_creditAuthCode: '00',
  fpx_creditAuthNo: '2', fpx_checkSum: 'X',
});

describe('fpxIndirectAc', () => {
  it('is the same event and entity as the Direct AC of the same payment', () => {
    const direct = tapeOf('fpx', '/webhooks/fpx/direct-ac', [body]);
    const indirect = tapeOf('fpx-indirect', '/payments/fpx/indirect-ac', [body]);
    expect(fpxIndirectAc.interpret(indirect.exchanges[0]!, indirect)).toEqual(fpxDirectAc.interpret(direct.exchanges[0]!, direct));
  });
  it('takes any 2xx page as the end of the browser post', () => {
    expect(fpxIndirectAc.acknowledged({ status: 200, body: '<html>thank you</html>' })).toBe(true);
    expect(fpxIndirectAc.acknowledged({ status: 500, body: 'OK' })).toBe(false);
  });
});
