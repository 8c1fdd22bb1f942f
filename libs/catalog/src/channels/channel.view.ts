/** A delivery channel, such as `email` or `push`, and the webhook that sends its messages. */
export interface ChannelView {
  id: string;
  name: string;
  webhookUrl: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
