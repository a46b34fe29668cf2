import { randomBytes } from 'node:crypto';

/** One Graph API error code: the HTTP status Meta answers it with (§C3 table) and its texts. */
interface GraphErrorSpec {
  status: number;
  message: string;
  details?: string;
  subcode?: number;
}

// Texts follow shared/fixtures/meta-error-*.json where a fixture exists; the others are Meta's titles.
const GRAPH_ERROR_SPECS: Readonly<Record<number, GraphErrorSpec>> = {
  0: { status: 401, message: '(#0) AuthException' },
  2: { status: 503, message: '(#2) Service temporarily unavailable' },
  3: { status: 403, message: '(#3) Application does not have the capability to make this API call.' },
  4: { status: 429, message: '(#4) Application request limit reached' },
  10: { status: 403, message: '(#10) Application does not have permission for this action' },
  100: { status: 400, message: '(#100) Invalid parameter', details: "Parameter 'to' is not a valid phone number." },
  190: {
    status: 401,
    message:
      'Error validating access token: Session has expired on Thursday, 09-Oct-25 08:00:00 PDT. The current time is Thursday, 09-Oct-25 09:00:00 PDT.',
    subcode: 463,
  },
  200: { status: 403, message: '(#200) Permissions error' },
  368: { status: 403, message: '(#368) Temporarily blocked for policies violations' },
  80007: { status: 429, message: '(#80007) Rate limit issues', details: 'The WhatsApp Business Account has reached its rate limit.' },
  130429: { status: 429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.' },
  130497: { status: 403, message: '(#130497) Business account is restricted from messaging users in this country' },
  131000: { status: 500, message: '(#131000) Something went wrong', details: 'Message failed to send due to an unknown error.' },
  131005: { status: 403, message: '(#131005) Access denied', details: 'Permission is either not granted or has been removed.' },
  131008: { status: 400, message: '(#131008) Required parameter is missing' },
  131009: { status: 400, message: '(#131009) Parameter value is not valid' },
  131016: { status: 503, message: '(#131016) Service unavailable', details: 'A service is temporarily unavailable.' },
  131021: { status: 400, message: '(#131021) Recipient cannot be sender', details: 'Sender and recipient phone number is the same.' },
  131026: {
    status: 400,
    message: '(#131026) Message undeliverable',
    details: 'Unable to deliver message. The recipient may not be a WhatsApp user or may not have accepted the latest terms.',
  },
  131031: { status: 403, message: '(#131031) Account has been locked' },
  131042: { status: 402, message: '(#131042) Business eligibility payment issue' },
  131047: {
    status: 400,
    message: '(#131047) Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131048: { status: 429, message: '(#131048) Spam rate limit hit', details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.' },
  131049: { status: 429, message: '(#131049) This message was not delivered to maintain healthy ecosystem engagement.' },
  131050: { status: 400, message: '(#131050) User has stopped marketing messages' },
  131051: { status: 400, message: '(#131051) Unsupported message type' },
  131052: { status: 400, message: '(#131052) Media download error' },
  131053: { status: 400, message: '(#131053) Media upload error', details: 'Downloading media from weblink failed with http code 404, status message Not Found' },
  131056: {
    status: 429,
    message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  },
  131057: { status: 503, message: '(#131057) Account in maintenance mode', details: 'Business Account is in maintenance mode.' },
  132000: { status: 400, message: '(#132000) Number of parameters does not match the expected number of params' },
  132001: { status: 400, message: '(#132001) Template name does not exist in the translation', details: 'template name (order_update_test) does not exist in en_US' },
  132005: { status: 400, message: '(#132005) Translated text too long' },
  132007: { status: 400, message: '(#132007) Template Format Character Policy Violated' },
  132012: { status: 400, message: '(#132012) Parameter format does not match format in the created template' },
  132015: { status: 400, message: '(#132015) Template is Paused' },
  132016: { status: 400, message: '(#132016) Template is Disabled' },
  133004: { status: 503, message: '(#133004) Server temporarily unavailable', details: 'Server is temporarily unavailable.' },
  133010: { status: 400, message: '(#133010) Account not registered' },
};

/** The HTTP status Meta answers this code with; 400 for codes the sandbox has no row for. */
export const graphErrorStatus = (code: number): number => GRAPH_ERROR_SPECS[code]?.status ?? 400;

/** A trace id shaped like Meta's (they differ per response, and clients are told to log them). */
const fbtraceId = (): string => `A${randomBytes(15).toString('base64url')}`;

/**
 * The Graph API envelope for a code: `{error:{message:'(#code) title', type:'OAuthException', code,
 * error_data:{messaging_product, details}, fbtrace_id}}`. `details` overrides the code's own text.
 */
export const graphErrorBody = (code: number, details?: string): { error: Record<string, unknown> } => {
  const spec = GRAPH_ERROR_SPECS[code] ?? { status: 400, message: `(#${code}) Sandbox injected error` };
  const detailText = details ?? spec.details;
  return {
    error: {
      message: spec.message,
      type: 'OAuthException',
      code,
      ...(spec.subcode === undefined ? {} : { error_subcode: spec.subcode }),
      ...(detailText === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details: detailText } }),
      fbtrace_id: fbtraceId(),
    },
  };
};

/** The title of a code, as status webhooks carry it in `errors[].title` ('Message undeliverable'). */
export const graphErrorTitle = (code: number): string => {
  const message = GRAPH_ERROR_SPECS[code]?.message ?? `(#${code}) Sandbox injected error`;
  return message.replace(/^\(#\d+\)\s*/, '');
};
