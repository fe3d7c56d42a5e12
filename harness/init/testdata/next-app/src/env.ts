import { z } from 'zod';

export const env = z
  .object({
    DATABASE_URL: z.string(),
    STRIPE_WEBHOOK_SECRET: z.string(),
    STRIPE_SECRET_KEY: z.string(),
  })
  .parse(process.env);
