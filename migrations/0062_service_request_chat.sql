-- Issue 18 #4: chat per service request. A chat room (and each of its messages) belongs to exactly one trip or
-- one service request; `conversation_id` is that id and the key every chat query uses, so one chat module serves
-- both. `trip_id` keeps its meaning for trip chat (and its cascade from trips); a service request's room has
-- `service_request_id` instead. The member columns keep their names: for a service request `rider_id` is the
-- customer (a rider account) and `driver_id` the assigned provider (a driver account).

ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_trip_id_fkey;
ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_client_id;
DROP INDEX chat_messages_trip_recent;

ALTER TABLE chat_rooms DROP CONSTRAINT chat_rooms_pkey;
ALTER TABLE chat_rooms
  ALTER COLUMN trip_id DROP NOT NULL,
  ADD COLUMN service_request_id uuid REFERENCES service_requests (id) ON DELETE CASCADE,
  ADD COLUMN conversation_id uuid GENERATED ALWAYS AS (COALESCE(trip_id, service_request_id)) STORED,
  ADD CONSTRAINT chat_rooms_one_subject CHECK (num_nonnulls(trip_id, service_request_id) = 1),
  ADD CONSTRAINT chat_rooms_pkey PRIMARY KEY (conversation_id);

ALTER TABLE chat_messages
  ALTER COLUMN trip_id DROP NOT NULL,
  ADD COLUMN service_request_id uuid,
  ADD COLUMN conversation_id uuid GENERATED ALWAYS AS (COALESCE(trip_id, service_request_id)) STORED,
  ADD CONSTRAINT chat_messages_one_subject CHECK (num_nonnulls(trip_id, service_request_id) = 1),
  ADD CONSTRAINT chat_messages_conversation_fkey FOREIGN KEY (conversation_id)
    REFERENCES chat_rooms (conversation_id) ON DELETE CASCADE,
  -- Same name as before: a retried send (same sender and client id in the same conversation) stores nothing new.
  ADD CONSTRAINT chat_messages_client_id UNIQUE (conversation_id, sender_id, client_message_id);

CREATE INDEX chat_messages_conversation_recent ON chat_messages (conversation_id, created_at DESC, id DESC);
