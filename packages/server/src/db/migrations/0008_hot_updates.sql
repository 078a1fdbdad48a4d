-- Issue 14: room on each page for the update every create makes, so it is a HOT update (a new
-- row version on the same page, no new index entry) instead of a copy on another page with a
-- new entry in every index. A create inserts its idempotency key (~300 B) and its attempt
-- (~250 B) in phase 1 and updates both moments later in phase 3: the key gains its stored
-- answer (~850 B sealed), the attempt the provider's reference. Packed full (fillfactor 100) the
-- page has no room and 85 % of key updates and 40 % of attempt updates went elsewhere. A key
-- page now takes 5 new keys, which fill it once answered; an attempt page half its room.
-- (Payments are not set: the create moves their status, which indexes hold, so no HOT there.)
-- SET (fillfactor) takes a lock that lets reads and writes go on, and applies to pages filled from now on.
ALTER TABLE "idempotency_keys" SET (fillfactor = 20);--> statement-breakpoint
ALTER TABLE "payment_attempts" SET (fillfactor = 50);
