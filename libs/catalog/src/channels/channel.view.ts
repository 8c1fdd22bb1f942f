import type { ChannelKind } from '#wayline/delivery';

/**
 * A delivery channel, such as `email` or `push`, and the webhook that sends its messages.
 * The signing secret is write-only: views carry only whether one is set.
 */
export interface ChannelView {
  id: string;
  name: string;
  webhookUrl: string;
  active: boolean;
  kind: ChannelKind;
  hasSigningSecret: boolean;
  /** Request timeout in milliseconds; null uses `WAYLINE_DELIVERY_TIMEOUT_MS`. */
  timeoutMs: number | null;
  /** For email and sms: the customer attribute holding the address or phone number. */
  recipientAttribute: string | null;
  createdAt: Date;
  updatedAt: Date;
}
