/**
 * Contact policy check that the delivery worker runs right before a send: may this
 * customer still receive a message on this channel now? Decisioning implements it
 * (`ContactPolicyService`), and the worker passes it to the delivery service, because
 * the delivery library cannot depend on decisioning, which depends on it.
 */
export interface SendRecheck {
  /**
   * Checks every message of a claimed batch at once, so the batch costs the same few
   * queries however many messages it holds. Returns one verdict per subject, in the
   * order of `subjects`.
   */
  recheckBatchBeforeSend(subjects: readonly SendRecheckSubject[]): Promise<SendRecheckVerdict[]>;
}

export interface SendRecheckSubject {
  customerId: string;
  /** Channel name. */
  channel: string;
  /** The message's scheduled send time, which its cap reservation counted in. */
  sendAt: Date;
  now: Date;
}

/** `cancel`: never send this message. `defer`: try again at `until`, such as the end of the quiet hours. */
export type SendRecheckVerdict =
  | { action: 'send' }
  | { action: 'cancel'; reason: string }
  | { action: 'defer'; until: Date; reason: string };
