/**
 * Standard reason phrases, used when a GRIP instruction or a published `http-response`
 * gives a status code without a reason (GRIP.md §3.2 `Grip-Status`, §4.2).
 * @module
 */

// RFC 9110 §15 wording (so 413 is "Content Too Large", not Pushpin's older
// "Request Entity Too Large"), plus the WebDAV and RFC 6585 codes Pushpin also names.
const PHRASES: ReadonlyMap<number, string> = new Map([
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [102, 'Processing'],
  [103, 'Early Hints'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [203, 'Non-Authoritative Information'],
  [204, 'No Content'],
  [205, 'Reset Content'],
  [206, 'Partial Content'],
  [207, 'Multi-Status'],
  [208, 'Already Reported'],
  [226, 'IM Used'],
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [305, 'Use Proxy'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [402, 'Payment Required'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Content Too Large'],
  [414, 'URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Range Not Satisfiable'],
  [417, 'Expectation Failed'],
  [421, 'Misdirected Request'],
  [422, 'Unprocessable Content'],
  [423, 'Locked'],
  [424, 'Failed Dependency'],
  [425, 'Too Early'],
  [426, 'Upgrade Required'],
  [428, 'Precondition Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [451, 'Unavailable For Legal Reasons'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [505, 'HTTP Version Not Supported'],
  [506, 'Variant Also Negotiates'],
  [507, 'Insufficient Storage'],
  [508, 'Loop Detected'],
  [510, 'Not Extended'],
  [511, 'Network Authentication Required'],
])

/**
 * The standard reason phrase for `code`, or `''` for an unregistered code (HTTP/1.1 allows
 * an empty reason-phrase, RFC 9112 §4; Pushpin says "Undefined Reason" instead).
 */
export function reasonPhrase(code: number): string {
  return PHRASES.get(code) ?? ''
}

/**
 * Whether `reason` may stand in a status line: `*( HTAB / SP / VCHAR / obs-text )` (RFC 9112
 * §4), as a byte string. GRIP lets the origin and publishers choose the reason, and `Response`
 * refuses anything else (a control character) with a TypeError.
 */
export function isReasonPhrase(reason: string): boolean {
  for (let i = 0; i < reason.length; i++) {
    const c = reason.charCodeAt(i)
    if (c > 0xff || c === 0x7f || (c < 0x20 && c !== 0x09)) return false
  }
  return true
}
