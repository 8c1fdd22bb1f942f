-- Channel adapters: how each channel turns an outreach message into a request, how it
-- signs the request and how long it waits for the receiver. Existing channels become
-- generic webhooks without a signing secret, which is what they were before.
ALTER TABLE channels ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook' CHECK (kind IN ('webhook', 'email', 'sms'));
-- Key of the HMAC-SHA256 signature. Never returned by the API.
ALTER TABLE channels ADD COLUMN signing_secret TEXT;
-- Per-channel request timeout; null uses WAYLINE_DELIVERY_TIMEOUT_MS.
ALTER TABLE channels ADD COLUMN timeout_ms INTEGER CHECK (timeout_ms BETWEEN 100 AND 60000);
-- For email and sms: the customer attribute holding the address or phone number.
ALTER TABLE channels ADD COLUMN recipient_attribute TEXT;

-- Customer attributes that an offer's content templates use. Declared with the offer, so
-- a template that names any other attribute is rejected when the offer is saved.
ALTER TABLE offers ADD COLUMN required_attributes JSONB NOT NULL DEFAULT '[]';

-- Why a message was cancelled (re-check before sending) or skipped (too late), the two
-- new final statuses.
ALTER TABLE outreach_messages ADD COLUMN status_reason TEXT;
ALTER TABLE outreach_messages DROP CONSTRAINT outreach_messages_status_check;
ALTER TABLE outreach_messages ADD CONSTRAINT outreach_messages_status_check
  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped'));

-- Dead letters are the failed messages, listed newest first per channel.
CREATE INDEX outreach_messages_failed_idx ON outreach_messages (channel_id, updated_at) WHERE status = 'failed';
