// jsdom leaves out some web platform globals that Node has; the collector code the panel shares
// (log parsing helpers) and React need them.
const { TextDecoder, TextEncoder } = require('util');

if (typeof globalThis.TextDecoder === 'undefined') globalThis.TextDecoder = TextDecoder;
if (typeof globalThis.TextEncoder === 'undefined') globalThis.TextEncoder = TextEncoder;
