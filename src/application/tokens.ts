/** Inversify tokens: explicit symbols, so wiring never depends on emitted decorator metadata. */
export const TOKENS = {
  Config: Symbol.for('Config'),
  Logger: Symbol.for('Logger'),
  Clock: Symbol.for('Clock'),
  SmsGateway: Symbol.for('SmsGateway'),
  Outbox: Symbol.for('Outbox'),
  SendSms: Symbol.for('SendSms'),
  PreviewSegments: Symbol.for('PreviewSegments'),
  GuardStore: Symbol.for('GuardStore'),
  SendGuards: Symbol.for('SendGuards'),
  Redis: Symbol.for('Redis'),
  IdempotencyStore: Symbol.for('IdempotencyStore'),
  IdempotentExecution: Symbol.for('IdempotentExecution'),
  ProviderCircuits: Symbol.for('ProviderCircuits'),
  Metrics: Symbol.for('Metrics'),
} as const;
