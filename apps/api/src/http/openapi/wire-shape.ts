/** What a value the code returns looks like once JSON-serialized: Dates become ISO strings. */
export type Wire<T> = T extends Date ? string : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** true when each type is assignable to the other: same keys, same optionality, same value types. */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compiles only when a documented response class and the type the code returns serialize to the
 * same JSON: a field renamed, added or retyped on one side without the other fails `npm run check`.
 * Called once at module level beside each response class: `documents<FileResponse, FileView>(true)`.
 */
export function documents<Documented, Returned>(sameShape: SameShape<Documented, Wire<Returned>>): void {
  void sameShape;
}
