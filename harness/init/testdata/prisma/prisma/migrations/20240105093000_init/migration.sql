-- CreateEnum
CREATE TYPE "ChargeStatus" AS ENUM ('pending', 'paid', 'refunded');

-- CreateTable
CREATE TABLE "txns" (
    "id" SERIAL NOT NULL,
    "memo" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "txns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "postings" (
    "id" SERIAL NOT NULL,
    "txn_id" INTEGER NOT NULL,
    "acct" VARCHAR(40) NOT NULL,
    "debit_minor" BIGINT NOT NULL DEFAULT 0,
    "credit_minor" BIGINT NOT NULL DEFAULT 0,
    "currency" CHAR(3) NOT NULL,
    "ref" TEXT NOT NULL,

    CONSTRAINT "postings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "charges" (
    "id" SERIAL NOT NULL,
    "gateway" TEXT NOT NULL,
    "charge_ref" TEXT NOT NULL,
    "status" "ChargeStatus" NOT NULL DEFAULT 'pending',
    "amount" BIGINT NOT NULL,

    CONSTRAINT "charges_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "charges_gateway_charge_ref_key" ON "charges"("gateway", "charge_ref");

-- AddForeignKey
ALTER TABLE "postings" ADD CONSTRAINT "postings_txn_id_fkey" FOREIGN KEY ("txn_id") REFERENCES "txns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
