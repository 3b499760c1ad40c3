/**
 * TransactWriteItems and TransactGetItems, built on dynalite's validations and actions. A
 * transaction runs alone in the engine (./gate.ts): its conditions are checked against the
 * items as they are, then its writes are applied; should a write fail (an update expression
 * that does not fit the item), the writes already made are undone, so either all happen or
 * none, and no other request ever sees a part of it.
 */
import { ClientTokens } from './client-tokens.js';
import type { AttributeMap, Dynalite, EngineError, Validated } from './dynalite.js';
import { validationAnswer, type Answer } from './envelope.js';
import type { EngineGate } from './gate.js';
import { errorAnswer } from './http.js';
import { keyOf, storedItem, tableOf } from './items.js';

/** DynamoDB's largest transaction: 100 actions. */
export const MAX_TRANSACTION_ITEMS = 100;

/** The single-item operation whose validations each kind of entry takes. */
const WRITE_KINDS: Readonly<Record<string, string>> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'DeleteItem' };

interface Entry {
  kind: string;
  operation: string;
  data: Validated;
  oldItemOnFailure: boolean;
}

type Request = Record<string, unknown>;

/** The transaction's entries, checked; or the answer refusing the whole request. */
function entriesOf(dynalite: Dynalite, request: Request, kinds: Readonly<Record<string, string>>): Entry[] | Answer {
  const items = request.TransactItems;
  if (!Array.isArray(items))
    return validationAnswer("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
  if (items.length < 1 || items.length > MAX_TRANSACTION_ITEMS) {
    return validationAnswer(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${items.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_TRANSACTION_ITEMS}`}`,
    );
  }
  const entries: Entry[] = [];
  for (const item of items as unknown[]) {
    const present = item && typeof item === 'object' ? Object.entries(item).filter(([, value]) => value != null) : [];
    if (present.length !== 1 || !(present[0][0] in kinds)) return validationAnswer('TransactItems can only contain one of Check, Put, Update or Delete');
    const [kind, body] = present[0] as [string, Request];
    if (typeof body !== 'object' || Array.isArray(body)) return validationAnswer(`Invalid ${kind}: not a structure`);
    const mode = body.ReturnValuesOnConditionCheckFailure;
    if (mode !== undefined && mode !== 'ALL_OLD' && mode !== 'NONE') {
      return validationAnswer(
        `1 validation error detected: Value at 'transactItems.${entries.length + 1}.member.${kind[0].toLowerCase()}${kind.slice(1)}.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
      );
    }
    if (kind === 'ConditionCheck' && typeof body.ConditionExpression !== 'string') {
      return validationAnswer('The ConditionCheck action requires a ConditionExpression');
    }
    try {
      entries.push({ kind, operation: kinds[kind], data: dynalite.validate(kinds[kind], { ...body }), oldItemOnFailure: mode === 'ALL_OLD' });
    } catch (error) {
      return errorAnswer(error as EngineError);
    }
  }
  return entries;
}

/** The key (as a map) an entry acts on. */
const keyMapOf = (entry: Entry): AttributeMap => (entry.kind === 'Put' ? entry.data.Item : entry.data.Key);

/** TransactionCanceledException, with a reason per entry. */
function cancelled(reasons: Record<string, unknown>[]): Answer {
  return {
    status: 400,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
      CancellationReasons: reasons,
    },
  };
}

/** TransactWriteItems: all of it, or nothing. */
export function transactWriteItems(dynalite: Dynalite, gate: EngineGate) {
  const tokens = new ClientTokens();
  return async (request: Request): Promise<Answer> => {
    const token = typeof request.ClientRequestToken === 'string' ? request.ClientRequestToken : undefined;
    const fingerprint = JSON.stringify({ ...request, ClientRequestToken: undefined });
    const entries = entriesOf(dynalite, request, WRITE_KINDS);
    if (!Array.isArray(entries)) return entries;
    return gate.run(true, async () => {
      const verdict = token === undefined ? 'new' : tokens.check(token, fingerprint);
      if (verdict === 'repeat') return { status: 200, body: {} };
      if (verdict === 'mismatch') return IDEMPOTENT_MISMATCH;
      const answer = await transactWrite(dynalite, entries);
      if (token !== undefined && answer.status === 200) tokens.remember(token, fingerprint);
      return answer;
    });
  };
}

/** The same token with other parameters (the SDK model's description of the error, as its message). */
const IDEMPOTENT_MISMATCH: Answer = {
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException',
    message: 'DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used.',
  },
};

/** Checks every condition, then makes every write; run alone. */
async function transactWrite(dynalite: Dynalite, entries: Entry[]): Promise<Answer> {
  try {
    const tables = await Promise.all(entries.map((entry) => tableOf(dynalite, entry.data.TableName)));
    const seen = new Set<string>();
    for (const [index, entry] of entries.entries()) {
      const invalid = entry.kind === 'Put' ? dynalite.db.validateItem(entry.data.Item, tables[index]) : dynalite.db.validateKey(entry.data.Key, tables[index]);
      if (invalid) return errorAnswer(invalid);
      const id = `${entry.data.TableName}\u0000${dynalite.db.createKey(keyMapOf(entry), tables[index])}`;
      if (seen.has(id)) return validationAnswer('Transaction request cannot include multiple operations on one item');
      seen.add(id);
    }
    const before = await Promise.all(entries.map((entry, index) => storedItem(dynalite, tables[index], keyMapOf(entry))));
    const reasons = entries.map((entry, index): Record<string, unknown> => {
      if (!dynalite.db.checkConditional(entry.data, before[index])) return { Code: 'None' };
      const old = entry.oldItemOnFailure && before[index] ? { Item: before[index] } : {};
      return { ...old, Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
    });
    if (reasons.some((reason) => reason.Code !== 'None')) return cancelled(reasons);
    return await applyAll(dynalite, entries, tables, before);
  } catch (error) {
    return errorAnswer(error as EngineError);
  }
}

/** Applies the writes in order; on a failure, restores what was written and cancels. */
// biome-ignore lint/suspicious/noExplicitAny: dynalite's table descriptions
async function applyAll(dynalite: Dynalite, entries: Entry[], tables: any[], before: (AttributeMap | undefined)[]): Promise<Answer> {
  const applied: number[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry.kind === 'ConditionCheck') continue;
    try {
      await dynalite.run(entry.operation, { ...entry.data, _condition: undefined, Expected: undefined, ReturnValues: undefined });
      applied.push(index);
    } catch (error) {
      for (const done of applied.reverse()) {
        const old = before[done];
        const TableName = entries[done].data.TableName;
        if (old) await dynalite.run('PutItem', { TableName, Item: old });
        else await dynalite.run('DeleteItem', { TableName, Key: keyOf(tables[done], keyMapOf(entries[done])) });
      }
      const message = (error as EngineError).body?.message ?? (error as Error).message;
      return cancelled(entries.map((_entry, other) => (other === index ? { Code: 'ValidationError', Message: message } : { Code: 'None' })));
    }
  }
  return { status: 200, body: {} };
}

/** TransactGetItems: every item as of one moment (nothing writes while it reads). */
export function transactGetItems(dynalite: Dynalite, gate: EngineGate) {
  return async (request: Request): Promise<Answer> => {
    const entries = entriesOf(dynalite, request, { Get: 'GetItem' });
    if (!Array.isArray(entries)) return entries;
    return gate.run(true, async () => {
      try {
        const results = await Promise.all(entries.map((entry) => dynalite.run('GetItem', entry.data)));
        return { status: 200, body: { Responses: results.map((result) => (result.Item ? { Item: result.Item } : {})) } };
      } catch (error) {
        return errorAnswer(error as EngineError);
      }
    });
  };
}
