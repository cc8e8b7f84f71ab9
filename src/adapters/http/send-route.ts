import { strictRouter } from './strict-router.js';
import type { SendSms } from '../../application/send-sms.js';
import { jsonBody, methodNotAllowed } from './json-body.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { logContextScope } from './request-context.js';
import { compileValidator } from './request-validation.js';
import { sendRequestSchema, type SendRequest } from './request-schemas.js';

/** The documented 200 answer of `POST /send`: every value a string. */
export interface SendResponse {
  dateEvent: string;
  numSegments: string;
  sid: string;
  status: string;
}

export function sendRoute(sendSms: SendSms) {
  const router = strictRouter();
  const validate = compileValidator<SendRequest>(sendRequestSchema);
  router.post('/send', ...jsonBody(), logContextScope(), async (req, res) => {
    const request = validate(req.body);
    const result = await sendSms.execute(request);
    const answer: SendResponse = {
      dateEvent: result.dateEvent.toISOString(),
      numSegments: String(result.numSegments),
      sid: result.sid,
      status: result.status,
    };
    if (result.rateLimit !== undefined) res.set(rateLimitHeaders(result.rateLimit));
    res.status(200).json(answer);
  });
  router.all('/send', methodNotAllowed(['POST']));
  return router;
}
