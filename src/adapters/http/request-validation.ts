import { Ajv, type ErrorObject } from 'ajv';
import { MessageBody } from '../../domain/message-body.js';
import { PhoneNumber } from '../../domain/phone-number.js';
import { SenderId } from '../../domain/sender-id.js';
import { HttpError } from './http-error.js';

// maxLength here counts code points, never more than UTF-16 units: the domain makes the exact 1600-unit check.
const ajv = new Ajv({ allErrors: true, strict: true });

// What a field must look like, in the words the domain uses when it refuses one.
const FIELD_RULES: Readonly<Record<string, string>> = {
  sender: SenderId.RULE,
  receiver: PhoneNumber.RULE,
  body: MessageBody.RULE,
};

/** Compiles a JSON schema once; the returned function answers the typed body or throws a 400 naming each field. */
export function compileValidator<T>(schema: object): (input: unknown) => T {
  const validate = ajv.compile<T>(schema);
  return (input) => {
    if (validate(input)) return input;
    throw new HttpError(400, describeErrors(validate.errors ?? []));
  };
}

function describeErrors(errors: readonly ErrorObject[]): string {
  const messages: string[] = [];
  const fieldsDone = new Set<string>();
  for (const error of errors) {
    const message = describe(error);
    const field = message.split(' ', 1)[0] ?? '';
    // anyOf and its branches report one broken rule several times: say it once per field.
    if (message === '' || fieldsDone.has(field)) continue;
    fieldsDone.add(field);
    messages.push(message);
  }
  return messages.join('; ');
}

function describe(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  switch (error.keyword) {
    case 'required':
      return `${(error.params as { missingProperty: string }).missingProperty} is required`;
    case 'additionalProperties':
      return `${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)} is not an accepted field`;
    case 'type':
      return field === '' ? 'the request body must be a JSON object' : `${field} must be a ${(error.params as { type: string }).type}`;
    case 'pattern':
    case 'anyOf':
    case 'minLength':
    case 'maxLength':
    case 'format':
    case 'enum':
      return `${field} ${FIELD_RULES[field] ?? error.message ?? 'is not valid'}`;
    default:
      return field === '' ? `the request body ${error.message ?? 'is not valid'}` : `${field} ${error.message ?? 'is not valid'}`;
  }
}
