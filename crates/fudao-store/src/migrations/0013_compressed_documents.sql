-- 13: the documents of the four big kinds compressed against a dictionary per kind
-- (src/codec.rs; docs/store.md, "Documents compressed against a dictionary"). New writes are
-- compressed already; this rewrites the rows written before, once. `fudao_pack` is the
-- codec, registered on every connection of the store. The `VACUUM` after an upgrade gives
-- the freed pages back.
UPDATE firm SET data = fudao_pack('firm', data) WHERE typeof(data) = 'text';
UPDATE visit SET data = fudao_pack('visit', data) WHERE typeof(data) = 'text';
UPDATE need SET data = fudao_pack('need', data) WHERE typeof(data) = 'text';
UPDATE feedback SET data = fudao_pack('feedback', data) WHERE typeof(data) = 'text';
