CREATE TABLE payments (
  id          bigserial PRIMARY KEY,
  provider    text NOT NULL,
  external_id text NOT NULL,
  status      text NOT NULL DEFAULT 'pending',
  amount_sen  bigint NOT NULL,
  UNIQUE (provider, external_id)
);

CREATE TABLE payment_attempts_old (id serial, note text);
