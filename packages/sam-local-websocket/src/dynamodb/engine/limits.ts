/**
 * DynamoDB's limits on what one request may hold, checked before the engine reads it: the
 * nesting of attribute values (32 levels) and the size of each expression (4 KB). dynalite
 * checks neither; a 1,000-level map overflowed its stack and stopped the twin.
 */

/** DynamoDB's deepest attribute value: "nested attributes up to 32 levels deep" (the top-level attribute is level 1). */
export const MAX_ATTRIBUTE_LEVELS = 32;

/** DynamoDB's longest expression string, in bytes as sent. */
export const MAX_EXPRESSION_BYTES = 4096;

/**
 * How deep a request's JSON may nest before it cannot be a valid request: an attribute value
 * of 32 levels takes two JSON levels per level, under at most seven levels of envelope
 * (BatchWriteItem's RequestItems → table → list → PutRequest → Item). Deeper bodies are refused
 * before they are parsed.
 */
export const MAX_JSON_DEPTH = 2 * MAX_ATTRIBUTE_LEVELS + 8;

/** DynamoDB's answer to a value nested deeper than 32 levels (captured from DynamoDB by other emulators' suites). */
export const NESTING_MESSAGE = 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/** The expressions a request can carry. */
export const EXPRESSION_FIELDS = ['ConditionExpression', 'FilterExpression', 'KeyConditionExpression', 'ProjectionExpression', 'UpdateExpression'] as const;

/** True when the JSON text nests deeper than `max` (objects and arrays), read without parsing it. */
export function jsonNestsDeeperThan(body: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // a backslash escapes the next byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}

type Json = unknown;
const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when an attribute value at `level` holds anything deeper than {@link MAX_ATTRIBUTE_LEVELS}. */
function tooDeep(value: Json, level: number): boolean {
  if (level > MAX_ATTRIBUTE_LEVELS) return true;
  if (!isObject(value)) return false;
  if (isObject(value.M) && Object.values(value.M).some((child) => tooDeep(child, level + 1))) return true;
  return Array.isArray(value.L) && value.L.some((child) => tooDeep(child, level + 1));
}

/** The fields whose value is a map of attribute values (an item, a key, the expression values). */
const ATTRIBUTE_MAPS: ReadonlySet<string> = new Set(['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey']);

/**
 * True when some attribute value of the request nests deeper than DynamoDB allows. Walks the
 * request's envelope (any operation, batches and transactions alike) to the places that hold
 * attribute values: items, keys, expression values, and the legacy `Value`/`AttributeValueList`.
 */
export function nestsTooDeep(request: Json): boolean {
  if (Array.isArray(request)) return request.some(nestsTooDeep);
  if (!isObject(request)) return false;
  return Object.entries(request).some(([field, value]) => {
    if (ATTRIBUTE_MAPS.has(field) && isObject(value)) return Object.values(value).some((attribute) => tooDeep(attribute, 1));
    if (field === 'Keys' && Array.isArray(value)) return value.some((key) => isObject(key) && Object.values(key).some((attribute) => tooDeep(attribute, 1)));
    if (field === 'Value') return tooDeep(value, 1);
    if (field === 'AttributeValueList' && Array.isArray(value)) return value.some((attribute) => tooDeep(attribute, 1));
    return nestsTooDeep(value);
  });
}

/** The first expression of the request (or of one of its transaction's entries) longer than 4 KB, as DynamoDB words it. */
export function oversizedExpression(request: Json): string | undefined {
  if (Array.isArray(request)) {
    for (const entry of request) {
      const found = oversizedExpression(entry);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(request)) return undefined;
  for (const field of EXPRESSION_FIELDS) {
    const expression = request[field];
    if (typeof expression === 'string' && Buffer.byteLength(expression) > MAX_EXPRESSION_BYTES) {
      return `Invalid ${field}: Expression size has exceeded the maximum allowed size; expression size: ${Buffer.byteLength(expression)}`;
    }
  }
  const entries = request.TransactItems;
  if (!Array.isArray(entries)) return undefined;
  return oversizedExpression(entries.flatMap((entry) => (isObject(entry) ? Object.values(entry) : [])));
}

/** What a request breaks of these limits, as a ValidationException message; undefined if nothing. */
export function requestLimitBreak(request: Json): string | undefined {
  if (nestsTooDeep(request)) return NESTING_MESSAGE;
  return oversizedExpression(request);
}
