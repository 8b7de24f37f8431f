import { DeskView, SCHEMA_VERSION, StreamMessage } from './wire';

/** Why a stream message was refused. */
export class StreamParseError extends Error {}

/**
 * Parses one text frame of `/ws/stream`. Refuses non-JSON, another schema version, an unknown
 * kind and a desk state without the fields every view relies on; returns the message otherwise.
 * Extra fields (added by newer servers of the same schema) are kept and ignored.
 */
export function parseStreamMessage(text: string): StreamMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StreamParseError(`stream message is not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) {
    throw new StreamParseError('stream message is not a JSON object');
  }
  const m = value as Partial<StreamMessage>;
  if (m.schema !== SCHEMA_VERSION) {
    throw new StreamParseError(
      `stream message has schema ${String(m.schema)}, this dashboard reads schema ${SCHEMA_VERSION}`,
    );
  }
  if (m.kind !== 'snapshot' && m.kind !== 'update') {
    throw new StreamParseError(`stream message has unknown kind ${JSON.stringify(m.kind)}`);
  }
  const desk = m.desk as Partial<DeskView> | undefined;
  if (
    typeof desk !== 'object' ||
    desk === null ||
    typeof desk.seq !== 'number' ||
    !Array.isArray(desk.products) ||
    typeof desk.source !== 'object' ||
    desk.source === null
  ) {
    throw new StreamParseError('stream message has no valid desk state (seq, source, products)');
  }
  for (const p of desk.products) {
    if (typeof p?.product !== 'string' || !Array.isArray(p.strikes)) {
      throw new StreamParseError('stream message has a product without key or strikes');
    }
  }
  return m as StreamMessage;
}
