// Where the runtime reads the names the stack hands it: each through the variable the mode configuration names
// (the generator fills in MODE_DEFAULTS' when the mode file names none), else the mode's own name. No fallback of its own.

export type Env = Readonly<Record<string, string | undefined>>;

/** A table's name: the value of the mode's `tableEnv` variable when it is set, else the mode's `table`. */
export function tableName(source: { readonly table: string; readonly tableEnv: string }, env: Env): string {
  return env[source.tableEnv] || source.table;
}

/** An AVP mode's policy store id: the value of its `env` variable when it is set, else the mode's `id`. */
export function policyStoreId(store: { readonly id: string; readonly env?: string }, env: Env): string {
  return (store.env && env[store.env]) || store.id;
}
