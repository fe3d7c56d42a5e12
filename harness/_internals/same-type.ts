/** Plain object types all the way down, so an intersection and the interface it spells compare equal. */
type Flat<T> = T extends (...args: never[]) => unknown ? T : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;

/** Identical types: optional properties count (mutual assignability would miss `{ a?: number }` vs `{}`). */
type Identical<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * `true` when A and B describe the same values with the same keys, optional ones included: a
 * compile-time check that a hand-written type and a zod schema agree.
 */
export type Same<A, B> = Identical<Flat<A>, Flat<B>>;

/** Fails to compile unless T is `true`: `type _Check = Assert<Same<z.infer<typeof schema>, Config>>`. */
export type Assert<T extends true> = T;
