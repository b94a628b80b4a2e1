-- 9: the search's covering index holds the firm's text id too. Migration 6 rebuilt `firm_search`
-- keyed by the integer key and left the id out, so every verified candidate of a query of three
-- characters or more (and every firm of a page) was looked up in the firm table for its id: one
-- 4 KiB leaf page per firm (a firm row fills a page), decrypted page by page in an encrypted
-- file. With the id in the index, a search reads the gram index and this index only.
DROP INDEX firm_search;
CREATE INDEX firm_search ON firm(key, deleted, initials, name, uscc, district, id);
