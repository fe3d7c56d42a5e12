import type { NextFunction, Request, Response } from 'express';

const seen = new Map<string, { status: number; body: unknown }>();

/** Stripe-style: a reused key with another body is a 400 idempotency_error. */
export function idempotency() {
  return (req: Request, res: Response, next: NextFunction) => {
    const key = req.header('Idempotency-Key');
    if (key === undefined) return next();
    const stored = seen.get(key);
    if (stored !== undefined) return res.status(400).json({ error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters' } });
    next();
  };
}
