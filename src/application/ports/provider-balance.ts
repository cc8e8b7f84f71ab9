/** A provider account's prepaid balance, as the provider reports it. */
export interface Balance {
  readonly amount: number;
  readonly currency?: string;
}

/** Reads the balance of the account a gateway sends with. */
export interface ProviderBalance {
  readonly provider: string;
  fetchBalance(): Promise<Balance>;
}
