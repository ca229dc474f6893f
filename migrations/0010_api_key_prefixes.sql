-- Stored key prefixes must not shorten a brute force: a generated key (pk_ + 32 characters) keeps
-- pk_ + 4 characters; any other key (the bootstrap PACER_ADMIN_KEY, chosen by an operator) keeps none.
UPDATE api_keys
SET key_prefix = CASE
  WHEN name LIKE 'bootstrap admin%' OR key_prefix NOT LIKE 'pk\_%' THEN '(custom key)'
  ELSE left(key_prefix, 7)
END;
