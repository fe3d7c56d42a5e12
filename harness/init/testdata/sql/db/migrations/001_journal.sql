-- Double-entry journal. Amounts in sen.
CREATE TABLE IF NOT EXISTS "journals" (
  "id"         uuid PRIMARY KEY,
  "memo"       text,
  "created_at" timestamptz NOT NULL DEFAULT now()
);

/* One row per posting line; amount_sen is credit-positive
   (a credit to an account is a positive amount). */
CREATE TABLE IF NOT EXISTS "journal_lines" (
  "id"           bigserial PRIMARY KEY,
  "journal_id"   uuid NOT NULL REFERENCES "journals" ("id"),
  "account_code" varchar(32) NOT NULL,
  "amount_sen"   bigint NOT NULL CHECK ("amount_sen" <> 0),
  "ccy"          char(3) NOT NULL DEFAULT 'MYR',
  "external_ref" text NOT NULL,
  CONSTRAINT "journal_lines_uq" UNIQUE ("journal_id", "account_code")
);
