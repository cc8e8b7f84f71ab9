import type { PreviewSegments } from '../../application/preview-segments.js';
import { jsonBody, methodNotAllowed } from './json-body.js';
import { compileValidator } from './request-validation.js';
import { segmentsRequestSchema, type SegmentsRequest } from './request-schemas.js';
import { strictRouter } from './strict-router.js';

/** The 200 answer of `POST /segments`: what the message costs before it is sent. */
export interface SegmentsResponse {
  encoding: string;
  numSegments: number;
  /** Units counted against unitsPerSegment: septets in GSM-7, UTF-16 code units in UCS-2. */
  characters: number;
  unitsPerSegment: number;
  nonGsmCharacters: readonly string[];
  segments: readonly string[];
  smartEncoding: { applied: boolean; numSegmentsIfApplied: number };
}

export function segmentsRoute(previewSegments: PreviewSegments) {
  const router = strictRouter();
  const validate = compileValidator<SegmentsRequest>(segmentsRequestSchema);
  router.post('/segments', ...jsonBody(), (req, res) => {
    const { segments, smartEncoding } = previewSegments.execute(validate(req.body));
    const answer: SegmentsResponse = {
      encoding: segments.encoding,
      numSegments: segments.numSegments,
      characters: segments.units,
      unitsPerSegment: segments.unitsPerSegment,
      nonGsmCharacters: segments.nonGsmCharacters,
      segments: segments.segments,
      smartEncoding,
    };
    res.status(200).json(answer);
  });
  router.all('/segments', methodNotAllowed(['POST']));
  return router;
}
