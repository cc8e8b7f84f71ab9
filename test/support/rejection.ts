import { expect } from 'chai';

type ErrorClass<T extends Error> = abstract new (...args: never[]) => T;

/** Awaits a promise that must reject, checks the error's class, and answers the error for further checks. */
export async function rejectionOf<T extends Error = Error>(promise: Promise<unknown>, type?: ErrorClass<T>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    if (type !== undefined) expect(error).to.be.instanceOf(type);
    return error as T;
  }
  throw new Error(`expected a rejection${type === undefined ? '' : ` with ${type.name}`}`);
}
