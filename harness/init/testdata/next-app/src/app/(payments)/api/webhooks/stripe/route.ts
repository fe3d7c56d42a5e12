import { NextResponse } from 'next/server';
import Stripe from 'stripe';
import { env } from '../../../../../env';

const stripe = new Stripe(env.STRIPE_SECRET_KEY);

export async function POST(req: Request): Promise<Response> {
  const event = stripe.webhooks.constructEvent(await req.text(), req.headers.get('stripe-signature') ?? '', env.STRIPE_WEBHOOK_SECRET);
  return NextResponse.json({ received: event.id });
}
