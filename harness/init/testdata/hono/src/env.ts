import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().default(3000),
  DATABASE_URL: z.string().url(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1),
  LOG_LEVEL: z.enum(['debug', 'info']).default('info'),
});

export const env = schema.parse(process.env);
