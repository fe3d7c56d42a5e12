const { FPX_PUBLIC_KEY, DATABASE_URL } = process.env;
export const config = { fpxPublicKey: FPX_PUBLIC_KEY, databaseUrl: DATABASE_URL };
