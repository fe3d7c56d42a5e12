/** `true` when A and B are assignable both ways: a compile-time check that a hand-written type and a zod schema agree. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Fails to compile unless T is `true`: `type _Check = Assert<Same<z.infer<typeof schema>, Config>>`. */
export type Assert<T extends true> = T;
