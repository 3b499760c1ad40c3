/**
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` on PutItem, UpdateItem and DeleteItem (which
 * dynalite ignores): a write whose condition fails answers ConditionalCheckFailedException
 * with the item as it was (`Item`), as DynamoDB does. Such a write runs alone (./gate.ts), so the
 * item returned is the one its condition was checked against.
 */
import type { Dynalite, EngineError } from './dynalite.js';
import { validationAnswer, type Answer } from './envelope.js';
import type { EngineGate } from './gate.js';
import { errorAnswer, runDynalite } from './http.js';
import { storedItem, tableOf } from './items.js';

/** The operations that take `ReturnValuesOnConditionCheckFailure`. */
export const CONDITIONAL_WRITES = ['PutItem', 'UpdateItem', 'DeleteItem'] as const;

const CONDITIONAL_FAILURE = 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException';

/** One of {@link CONDITIONAL_WRITES}, honouring `ReturnValuesOnConditionCheckFailure`. */
export function conditionalWrite(dynalite: Dynalite, gate: EngineGate, operation: (typeof CONDITIONAL_WRITES)[number]) {
  return async (request: Record<string, unknown>): Promise<Answer> => {
    const mode = request.ReturnValuesOnConditionCheckFailure;
    if (mode === undefined || mode === null || mode === 'NONE') return runDynalite(dynalite, gate, operation, request);
    if (mode !== 'ALL_OLD') {
      return validationAnswer(
        "1 validation error detected: Value at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
      );
    }
    let data: Record<string, unknown>;
    try {
      data = dynalite.validate(operation, request);
    } catch (error) {
      return errorAnswer(error as EngineError);
    }
    return gate.run(true, async () => {
      try {
        return { status: 200, body: await dynalite.run(operation, data) };
      } catch (error) {
        const answer = errorAnswer(error as EngineError);
        if (answer.body?.__type !== CONDITIONAL_FAILURE) return answer;
        try {
          const table = await tableOf(dynalite, String(data.TableName));
          const old = await storedItem(dynalite, table, (operation === 'PutItem' ? data.Item : data.Key) as never);
          return old ? { ...answer, body: { ...answer.body, Item: old } } : answer;
        } catch (readError) {
          return errorAnswer(readError as EngineError);
        }
      }
    });
  };
}
