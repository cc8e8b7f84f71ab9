/** Knowledge of the world's numbering plans (ITU-T E.164 country calling codes). */
export interface NumberingPlan {
  /** The country calling code an E.164 number starts with, if it is an assigned one. */
  callingCodeOf(e164: string): string | undefined;
}
