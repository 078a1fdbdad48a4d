-- Issue 14: a payment create's stored answer is now kept as is (~1.3 kB of JSON, in clear like
-- the payment's own rows) instead of deflated and sealed (~850 B): with five new keys per page
-- (fillfactor 20) the answered versions no longer fit beside them, and a fifth of the updates
-- left the page. Four new keys per page leave room for all four answers (every update HOT, and
-- the table smaller, since an update that leaves the page leaves its old version behind too).
-- SET (fillfactor) takes a lock that lets reads and writes go on, and applies to pages filled from now on.
ALTER TABLE "idempotency_keys" SET (fillfactor = 15);
